"""The display-name policy: every reason, real names from many scripts, confusables."""

from __future__ import annotations

import random
import unicodedata

import msgspec
import pytest

from rejoinder.profiles import confusables, scripts
from rejoinder.profiles.policy import MESSAGES, NamePolicy, NameVerdict, skeleton

POLICY = NamePolicy()
BUGLE = NamePolicy(reserved=["The Daily Bugle"])

REAL_NAMES = [
    "山田太郎",
    "やまだ",
    "ヤマダ・タロウ",
    "김민준",
    "Иван Петров",
    "Zoë Ångström",
    "José Núñez",
    "O'Brien",
    "O’Brien",
    "Jean-Luc",
    "李小龙",
    "Αλέξης",
    "محمد",
    "Nguyễn Thị Ánh",
    "Søren Kierkegaard",
    "Straße",
    "J. R. R. Tolkien",
    "dark_knight_42",
    "アリス Smith",
    "李Bruce",
    "Kim 민준",
    "陳ㄅㄆ",
    "अमित",
    "สมชาย",
    "דוד כהן",
    "ＡＢＣ",
    "ab",
]

# Real people and places that contain a listed word: the Scunthorpe problem must not happen.
SCUNTHORPE_NAMES = [
    "Scunthorpe",
    "Dick Smith",
    "Cockburn",
    "Essex",
    "Sussex",
    "Middlesex",
    "Analyst",
    "Assange",
    "Hancock",
    "Hitchcock",
    "Shitake",
    "Matsushita",
    "Penistone",
    "Clitheroe",
    "Shitterton",
    "Twatt",
    "Therapist",
    "Cummings",
    "Dickens",
    "Pakistan",
    "Spicer",
    "Arsenal",
    "Sexton",
    "Bassett",
    "Kike Sánchez",
    "バカンス",
    "アホウドリ",
    "カスタード",
    "ブスケツ",
]


def reason_of(name: str, policy: NamePolicy = POLICY) -> str | None:
    return policy.check(name).reason


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_names_from_many_scripts_are_accepted(name: str) -> None:
    verdict = POLICY.check(name)
    assert verdict == NameVerdict(
        ok=True,
        code=None,
        reason=None,
        message=None,
        display=unicodedata.normalize("NFC", name),
        key=verdict.key,
        skeleton=verdict.skeleton,
    )
    assert verdict.key
    assert verdict.skeleton


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\u3000\n", "empty"),
        ("a", "too_short"),
        ("李", "too_short"),
        ("x" * 31, "too_long"),
        ("Bob\tSmith", "control_characters"),
        ("Bob\nSmith", "control_characters"),
        ("Bob\x00", "control_characters"),
        ("Bob\u2028Smith", "control_characters"),
        ("Bob\u202eSmith", "bidi_controls"),
        ("Bob\u2066Smith\u2069", "bidi_controls"),
        ("Bob\u200fSmith", "bidi_controls"),
        ("محمد\u061c", "bidi_controls"),
        ("Bob\u200bSmith", "invisible_characters"),
        ("Bob\u200dSmith", "invisible_characters"),
        ("Bob\u200cSmith", "invisible_characters"),
        ("Bob\ufeffSmith", "invisible_characters"),
        ("Bob\u00adSmith", "invisible_characters"),
        ("Bob\u2060Smith", "invisible_characters"),
        ("\u3164\u3164", "invisible_characters"),
        ("\u115fBob", "invisible_characters"),
        ("\u2800Bob", "invisible_characters"),
        ("Bob\ufe0f", "invisible_characters"),
        ("Bob 😀", "symbols_not_allowed"),
        ("❤️ Bob", "symbols_not_allowed"),
        ("👨\u200d👩\u200d👧 Family", "symbols_not_allowed"),
        ("★Star", "symbols_not_allowed"),
        ("Bob!", "symbols_not_allowed"),
        ("Bob@home", "symbols_not_allowed"),
        ("Bob–Smith", "symbols_not_allowed"),
        ("Ⅷ Henry", "symbols_not_allowed"),
        ("①Bob", "symbols_not_allowed"),
        ("Bob\u20dd", "symbols_not_allowed"),
        ("123", "no_letters"),
        ("..", "no_letters"),
        ("ーー", "no_letters"),
        ("ʼʼ", "no_letters"),
        ("Bоb", "mixed_scripts"),
        ("Pаvel", "mixed_scripts"),
        ("Ελλάδα Greece", "mixed_scripts"),
        ("김민준 やまだ", "mixed_scripts"),
        ("Bob 12٣", "mixed_scripts"),
        ("Bob\ue000", "unassigned_or_private"),
        ("Bob\U000f0000", "unassigned_or_private"),
        ("Bob\ud800", "unassigned_or_private"),
        ("Bob\u0378", "unassigned_or_private"),
        ("a\u0301\u0302\u0303b", "combining_marks_abuse"),
        ("Z\u0351\u0352\u0353\u0354algo", "combining_marks_abuse"),
        ("\u0301Bob", "combining_marks_abuse"),
        ("Bob 1\u0336", "combining_marks_abuse"),
        (".Bob", "separator_placement"),
        ("Bob-", "separator_placement"),
        ("Jr.", "separator_placement"),
        ("a..b", "separator_placement"),
        ("Jean--Luc", "separator_placement"),
        ("O'-Brien", "separator_placement"),
        ("ヤマダ・・タロウ", "separator_placement"),
        ("Admin", "reserved"),
        ("fuck", "offensive"),
    ],
)
def test_every_reason_is_reported(raw: str, reason: str) -> None:
    verdict = POLICY.check(raw)
    assert not verdict.ok
    assert verdict.reason == reason
    assert verdict.code == (
        "display_name_reserved" if reason == "reserved" else "display_name_invalid"
    )
    assert verdict.message == MESSAGES[reason].format(min_length=2, max_length=30)


def test_every_reason_has_a_plain_message() -> None:
    for reason, template in MESSAGES.items():
        message = template.format(min_length=2, max_length=30)
        assert message.endswith("."), reason
        assert "{" not in message, reason


def test_message_names_the_configured_limits() -> None:
    policy = NamePolicy(min_length=3, max_length=12)
    assert policy.check("ab").message == "Display names need at least 3 characters."
    assert "at most 12 characters" in (policy.check("a" * 13).message or "")


@pytest.mark.parametrize(
    ("raw", "display"),
    [
        ("  Bob   Smith  ", "Bob Smith"),
        ("\tBob Smith\n", "Bob Smith"),
        ("山田\u3000太郎", "山田 太郎"),
        ("Jean\u00a0\u2009Luc", "Jean Luc"),
        ("Zoe\u0308", "Zoë"),
        ("ＡＢＣ", "ＡＢＣ"),
    ],
)
def test_display_is_nfc_trimmed_with_single_spaces(raw: str, display: str) -> None:
    verdict = POLICY.check(raw)
    assert verdict.ok
    assert verdict.display == display


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("ＡＢＣ", "abc"),
        ("ZOË", "zoë"),
        ("Straße", "strasse"),
        ("ｶﾀｶﾅ", "カタカナ"),
        ("Ǆemal", "džemal"),
    ],
)
def test_key_is_nfkc_casefold(raw: str, key: str) -> None:
    assert POLICY.check(raw).key == key


@pytest.mark.parametrize(
    ("name", "reason"),
    [("ab", None), ("a" * 30, None), ("a", "too_short"), ("a" * 31, "too_long")],
)
def test_default_length_boundaries(name: str, reason: str | None) -> None:
    assert reason_of(name) == reason


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("ab", "too_short"),
        ("abc", None),
        ("abcde", None),
        ("abcdef", "too_long"),
        ("Zoe\u0308", None),  # 4 code points typed, 3 once composed: NFC is what counts
        ("Zoe\u0308y", None),
        ("Zoe\u0308yss", "too_long"),
        ("山田太", None),
        ("  abc  ", None),
    ],
)
def test_custom_length_limits_count_nfc_code_points(name: str, reason: str | None) -> None:
    assert reason_of(name, NamePolicy(min_length=3, max_length=5)) == reason


def test_huge_input_is_refused_as_too_long() -> None:
    verdict = POLICY.check("a" * 1_000_000)
    assert verdict.reason == "too_long"
    assert len(verdict.display) <= 256


def test_names_that_explode_under_nfkc_are_too_long() -> None:
    assert reason_of("محمد ﷺ") is None
    verdict = POLICY.check("ﷺ" * 30)
    assert verdict.reason == "too_long"
    assert len(verdict.key) > POLICY.max_key_length


def test_limits_must_make_sense() -> None:
    with pytest.raises(ValueError, match="min_length"):
        NamePolicy(min_length=10, max_length=5)


def test_verdict_is_immutable() -> None:
    verdict = POLICY.check("Alice")
    with pytest.raises(AttributeError):
        verdict.ok = False  # type: ignore[misc]
    assert msgspec.json.decode(msgspec.json.encode(verdict), type=NameVerdict) == verdict


# Pure TR39 skeleton: case-sensitive, and with the separators kept.
@pytest.mark.parametrize(
    ("a", "b"),
    [("paypal", "раураl"), ("rn", "m"), ("Alice", "Аlice"), ("l", "1"), ("ab", "a\u200bb")],
)
def test_tr39_skeleton_collisions(a: str, b: str) -> None:
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize(("a", "b"), [("Alice", "alice"), ("paypal", "paypa1x"), ("a-b", "ab")])
def test_tr39_skeleton_keeps_case_and_separators_apart(a: str, b: str) -> None:
    assert skeleton(a) != skeleton(b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("paypal", "paypal"), ("раураl", "paypal"), ("Ǆemal", "DZ\u030cernal"), ("Zoë", "Zoe\u0308")],
)
def test_tr39_skeleton_is_nfd_of_the_prototypes(text: str, expected: str) -> None:
    assert skeleton(text) == expected
    assert unicodedata.is_normalized("NFD", skeleton(text))


@pytest.mark.parametrize(
    "group",
    [
        ["Alice", "ALICE", "Аlice", "A1ice", "alice_", "a.lice", "A l i c e", "ＡＬＩＣＥ"],
        ["Bob", "B0b", "ВОВ", "Вob"],
        ["Jim", "Jirn"],
        ["O'Brien", "O’Brien", "OBrien"],
        ["山田太郎", "山田 太郎"],
        ["paypal", "раураl", "PayPal"],
    ],
)
def test_confusable_names_share_a_skeleton(group: list[str]) -> None:
    skeletons = {POLICY.check(name).skeleton for name in group}
    assert len(skeletons) == 1, skeletons


@pytest.mark.parametrize(
    ("a", "b"), [("Alice", "Alicia"), ("やまだ", "ヤマダ"), ("Иван", "Ivan"), ("Zoë", "Zoe")]
)
def test_distinct_names_keep_distinct_skeletons(a: str, b: str) -> None:
    assert POLICY.check(a).skeleton != POLICY.check(b).skeleton


def test_confusables_load_once() -> None:
    confusables._prototypes.cache_clear()
    table = confusables._prototypes()
    assert table["\u0430"] == "a"
    assert table["m"] == "rn"
    assert confusables._prototypes() is table


@pytest.mark.parametrize(
    "name",
    [
        "Admin",
        "ADMIN",
        "Adm1n",
        "4dmin",
        "A d m i n",
        "Аdmin",
        "ADMIN_",
        "Adrnin",
        "𝐀𝐝𝐦𝐢𝐧",
        "SiteAdministrator",
        "Mod",
        "M.O.D",
        "m0d",
        "Mod1",
        "Mod Squad",
        "ModJoe",
        "Team",
        "root",
        "r00t",
        "The Editors",
        "TheEditors",
        "Rejoinder",
        "Rejoinder Support",
        "Official Bob",
        "Newsroom",
    ],
)
def test_staff_and_system_words_are_reserved(name: str) -> None:
    verdict = POLICY.check(name)
    assert (verdict.code, verdict.reason) == ("display_name_reserved", "reserved")


@pytest.mark.parametrize(
    "name",
    [
        "The Daily Bugle",
        "Daily Bugle",
        "DailyBugleFan",
        "daily_bugle",
        "Dai1y Bug1e",
        "Dаily Bugle",
    ],
)
def test_publication_names_are_reserved(name: str) -> None:
    assert reason_of(name, BUGLE) == "reserved"


def test_publication_names_are_only_reserved_where_configured() -> None:
    assert reason_of("DailyBugleFan") is None
    assert reason_of("DailyBugleFan", BUGLE) == "reserved"


@pytest.mark.parametrize(
    "name",
    [
        "Modesty",
        "Moderna",
        "Teammate",
        "Rooter",
        "Badminton Fan",
        "Staffordshire",
        "Arsenal Supporter",
        "Ecosystem",
        "Adam",
        "Tim",
        "Bugle Boy",
    ],
)
def test_innocent_names_near_reserved_words_pass(name: str) -> None:
    assert reason_of(name, BUGLE) is None


@pytest.mark.parametrize(
    "name",
    [
        "fuck",
        "FUCK",
        "F.U.C.K",
        "Fuck You",
        "FuckYou",
        "sh1t",
        "5hit",
        "xXMotherfuckerXx",
        "bastard99",
        "Big Bitch",
        "Mr Asshole",
        "n1gger",
        "バカ",
        "ばか",
        "ﾊﾞｶ",
        "山田死ね",
        "基地外ヤマダ",
        "씨발놈",
        "傻逼",
    ],
)
def test_offensive_names_are_refused(name: str) -> None:
    verdict = POLICY.check(name)
    assert (verdict.code, verdict.reason) == ("display_name_invalid", "offensive")


@pytest.mark.parametrize("name", SCUNTHORPE_NAMES)
def test_real_names_containing_short_rude_words_pass(name: str) -> None:
    assert reason_of(name) is None


def test_blocked_words_extend_the_built_in_list() -> None:
    policy = NamePolicy(blocked_words=["Voldemort", "*悪魔"])
    assert reason_of("Voldemort") is None
    assert reason_of("Lord Voldemort", policy) == "offensive"
    assert reason_of("LordV0ldemort", policy) == "offensive"
    assert reason_of("山田悪魔", policy) == "offensive"
    assert reason_of("fuck", policy) == "offensive"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("ADMIN_", "reserved"),  # what the name says comes before how it is laid out
        ("Аdmin", "reserved"),  # ... and before its mixed scripts
        ("fuck_", "offensive"),
        ("Admin 😀", "symbols_not_allowed"),  # but the characters themselves come first
        ("Bob\u202e\u200b", "bidi_controls"),
        ("ab\u202e😀", "bidi_controls"),
        ("1", "no_letters"),
    ],
)
def test_the_most_useful_reason_wins(name: str, reason: str) -> None:
    assert reason_of(name) == reason


@pytest.mark.parametrize(
    ("char", "script"),
    [
        ("a", "Latin"),
        ("Ａ", "Latin"),
        ("𝐀", "Latin"),
        ("ж", "Cyrillic"),
        ("λ", "Greek"),
        ("山", "Han"),
        ("々", "Han"),
        ("や", "Hiragana"),
        ("ｶ", "Katakana"),
        ("ー", scripts.KANA),
        ("민", "Hangul"),
        ("ㄅ", "Bopomofo"),
        ("م", "Arabic"),
        ("ि", "Devanagari"),
        ("\u0301", scripts.INHERITED),
        ("7", scripts.COMMON),
        ("・", scripts.COMMON),
    ],
)
def test_script_detection(char: str, script: str) -> None:
    assert scripts.script_of(char) == script


def test_any_string_gets_a_consistent_verdict() -> None:
    rng = random.Random(20240601)
    alphabet = [chr(point) for point in range(0x20, 0x3000)] + list(
        "山田やヤ한😀\u200b\u202e\ud800"
    )
    for _ in range(2_000):
        raw = "".join(rng.choices(alphabet, k=rng.randint(0, 40)))
        verdict = POLICY.check(raw)
        assert verdict.ok == (verdict.reason is None) == (verdict.code is None)
        assert verdict.reason is None or verdict.reason in MESSAGES
        assert verdict.display == verdict.display.strip()
        if verdict.ok:
            assert len(verdict.key) <= POLICY.max_key_length
            assert len(verdict.skeleton) <= POLICY.max_key_length
