"""Group dehumanisation: a group of people called vermin, invaders, animals, a disease.

No swear word is needed for this, so neither the word lists nor a profanity-driven score saw
it. The patterns pair a *group* (a religion, nationality, ethnicity, sexuality, "these
people"...) with a dehumanising predicate or a call to get rid of them, in English and in
Japanese; they are compiled to one regex over the folded text (:mod:`.patterns`: the word lists'
folding, word boundaries, token boundaries in Japanese).

What it cannot tell: the same words quoted to condemn them (the phase flags instead of holding
when the match is inside quotation marks and the rest reports or condemns it), and groups it
does not list.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from rejoinder.moderation.text.patterns import PatternSet
from rejoinder.moderation.text.wordlist import Prepared

__all__ = ["DEHUMANISING_PATTERNS", "Dehumanisation", "DehumanisingMatch", "find_dehumanising"]

_GROUP = (
    "[gays|gay people|gay men|lesbians|bisexuals|trans people|transgender people|trannies"
    "|homosexuals|queers|muslims|moslems|islamists|jews|jewish people|christians|catholics"
    "|hindus|sikhs|buddhists|atheists|black people|blacks|white people|whites|asians"
    "|asian people|chinese|chinese people|koreans|japanese|japanese people|arabs|africans"
    "|mexicans|latinos|hispanics|roma|gypsies|gipsies|travellers|indigenous people|natives"
    "|immigrants|migrants|refugees|asylum seekers|foreigners|illegals|women|feminists|men"
    "|disabled people|the disabled|autistic people|old people|pensioners|boomers|poles"
    "|polish people|irish people|nigerians|syrians|ukrainians|russians|pakistanis|indians"
    "|somalis|afghans|iraqis|iranians|palestinians|israelis|turks|kurds|albanians|romanians"
    "|these people|those people|their kind|his kind|her kind|you people|your people|them all"
    "|the lot of them|all of them|leftists|liberals|conservatives|tories|republicans"
    "|democrats|socialists|the homeless|homeless people]"
)
_ARE = "[are|r|is|are all|are just|are nothing but|are simply|are literally|are like|remain]"
_THING = (
    "[vermin|rats|cockroaches|roaches|parasites|animals|savages|subhuman|subhumans|sub human"
    "|a plague|plague|a disease|a cancer|cancer|an infestation|filth|insects|leeches|pigs|apes"
    "|monkeys|locusts|a virus|invaders|an invasion|maggots|beasts|worms|lice|termites|germs"
    "|not human|not people|less than human|barely human|not even human|a pest|pests|scum"
    "|a swarm|swarming|breeding like rats|breeding like rabbits|infesting|overrunning"
    "|a tumour|a tumor|tumours|a mental disease|a mental illness|a sickness|feral|mongrels"
    "|a horde|hordes|sewer rats|human garbage|human trash|human filth|freaks|mutants]"
)
_RID = (
    "[exterminate|wipe out|eradicate|gas|cull|purge|cleanse|sterilise|sterilize|get rid of"
    "|deport all|deport all the|round up|round up all|kill all|kill all the|eliminate]"
)
_JA_GROUP = (
    "[在日|在日韓国人|在日朝鮮人|在日コリアン|朝鮮人|韓国人|中国人|外国人|移民|難民|女|女性|男"
    "|障害者|同性愛者|ゲイ|ホモ|レズ|トランスジェンダー|LGBT|ムスリム|イスラム教徒|ユダヤ人"
    "|キリスト教徒|高齢者|老人|年寄り|アイヌ|沖縄人|部落|黒人|白人|フィリピン人|ベトナム人"
    "|ブラジル人|クルド人|生活保護受給者|シングルマザー|技能実習生|ハーフ|あいつら|こいつら"
    "|奴ら|やつら|連中|左翼|右翼|パヨク|ネトウヨ]"
)
_JA_THING = (
    "[ゴキブリ|害虫|寄生虫|ウジ虫|蛆虫|ダニ|ばい菌|バイ菌|家畜|ケダモノ|獣|病原菌|疫病神|汚物|癌|ガン"
    "|ネズミ|ドブネズミ|人間じゃない|人間以下|人間のクズ|生きる価値がない|社会のゴミ|ゴミ|害悪|猿"
    "|シロアリ|白アリ|イナゴ|害獣|ヒル|ハエ|ウイルス]"
)
_JA_RID = (
    "[駆除しろ|駆除すべき|駆除しよう|根絶やしにしろ|根絶やしにすべき|皆殺しにしろ|叩き出せ"
    "|追い出せ|出ていけ|出て行け|排除しろ|殲滅しろ|抹殺しろ|消えろ|処分しろ|一掃しろ]"
)

DEHUMANISING_PATTERNS: tuple[str, ...] = (
    f"{_GROUP} {_ARE} {_THING}",
    (
        f"{_GROUP} [should be|must be|need to be|ought to be] [exterminated|wiped out|eradicated"
        "|gassed|culled|purged|cleansed|sterilised|sterilized|rounded up|put down"
        "|deported en masse]"
    ),
    f"{_RID} {_GROUP}",
    f"{_RID} [the|all the|all|every|these|those|every last one of the] {_GROUP}",
    (
        f"{_GROUP} [breed like rats|breed like rabbits|breed like animals|are invading"
        "|are infesting|are overrunning|are swarming|are a plague on|spread like a disease"
        "|carry disease]"
    ),
    f"{_JA_GROUP}[は|って|なんて|とか|なんか|どもは|共は]{_JA_THING}",
    f"{_JA_GROUP}[は|って|なんて|とか|なんか|どもは|共は][人間じゃない|人間以下]",
    f"{_JA_GROUP}[を|は|どもを|共を|なんか]{_JA_RID}",
    f"{_JA_GROUP}[は|って|なんて]日本から{_JA_RID}",
    # Japanese: people who "well up" like insects (湧く, 湧いてくる: the kanji is the edge).
    f"{_JA_GROUP}[が|は|どもが|共が][どんどん|次々と|次々|うじゃうじゃ|][湧|沸]",
)


@dataclass(frozen=True, slots=True, order=True)
class DehumanisingMatch:
    start: int
    end: int
    phrase: str


class Dehumanisation:
    """The compiled patterns (defaults to :data:`DEHUMANISING_PATTERNS`)."""

    def __init__(self, patterns: Iterable[str] = DEHUMANISING_PATTERNS) -> None:
        self._patterns = PatternSet(patterns)

    def find(self, text: str | Prepared) -> list[DehumanisingMatch]:
        return [DehumanisingMatch(m.start, m.end, m.phrase) for m in self._patterns.find(text)]


@functools.cache
def _default() -> Dehumanisation:
    return Dehumanisation()


def find_dehumanising(text: str | Prepared) -> list[DehumanisingMatch]:
    """Dehumanising phrases in ``text`` with the default patterns (compiled on first use)."""
    return _default().find(text)
