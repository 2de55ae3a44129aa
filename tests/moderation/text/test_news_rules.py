"""Rules that understand news: office holders as targets, Japanese threat forms, group
dehumanisation, quoted and reported speech, token boundaries in Japanese."""

from __future__ import annotations

import pytest

from rejoinder.moderation.text.dehumanisation import find_dehumanising
from rejoinder.moderation.text.quotes import quoting
from rejoinder.moderation.text.threats import find_threats
from rejoinder.moderation.text.wordlist import SPARED_PHRASES_PATH, WordList, read_word_file


@pytest.mark.parametrize(
    "text",
    [
        "The mayor should be hanged.",
        "The senator deserves to die.",
        "The prime minister deserves to be shot",
        "Hang the judge.",
        "Death to the governor!",
        "The president will hang for this",
        "Give him what happened to Jo Cox.",
        "Journalists should be put against a wall.",
        "Th3 m4yor should be h4nged",  # folded: leetspeak
        "お前を殺してやる",
        "家に火をつけてやる",
        "首相は死ぬべき",
        "市長は殺されて当然",
        "あの議員は死ねばいい",
        "記者を刺してやるからな",
    ],
)
def test_threats_against_office_holders_and_japanese_forms_match(text: str) -> None:
    assert find_threats(text), text


@pytest.mark.parametrize(
    "text",
    [
        "The mayor should resign.",
        "The judge deserves to lose her seat.",
        "The senator should be voted out.",
        "Kill the bill.",
        "The minister must be held to account.",
        "死ぬほど笑った。",
        "殺陣のシーンが見事だった。",
        "容疑者は殺人の疑いで逮捕された。",
        "スマホの電池が死んだ。",
    ],
)
def test_civil_and_news_language_does_not_match(text: str) -> None:
    assert find_threats(text) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "Muslims are vermin.",
        "Immigrants are invading our towns.",
        "Refugees breed like rats.",
        "We should exterminate the gypsies.",
        "Jews are r4ts",
        "M u s l i m s are parasites",
        "在日韓国人はゴキブリだ",
        "外国人を駆除しろ",
        "中国人は日本から出ていけ",
    ],
)
def test_group_dehumanisation_matches(text: str) -> None:
    assert find_dehumanising(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Immigrants are welcome here.",
        "The rats are back in the bins behind the market.",
        "Muslims are a fifth of the town's nurses.",
        "彼女はゴキブリが嫌い。",
        "害虫駆除の業者を呼んだ。",
    ],
)
def test_pests_and_neutral_group_sentences_do_not_match(text: str) -> None:
    assert find_dehumanising(text) == [], text


def test_quoted_speech_in_a_report_is_recognised() -> None:
    court = quoting('The court heard he told her "I will kill you" before the attack.')
    assert court.reported
    start = court.spans[0][0]
    assert court.inside(start, start + len("I will kill you"))
    assert "kill" not in court.outside
    japanese = quoting("被告は「殺してやる」と叫んだと検察は述べた。")
    assert japanese.reported
    assert "殺" not in japanese.outside
    condemned = quoting("Saying Hindus are pigs is exactly the kind of hate this article is about.")
    assert condemned.reported
    assert "pigs" not in condemned.outside


def test_a_quote_without_a_reporting_cue_is_the_author_speaking() -> None:
    assert not quoting('My message to the mayor: "I will kill you"').reported
    assert not quoting("I say the mayor should be hanged.").spans
    assert quoting("I don't think it's fair, isn't it").spans == ()


def test_japanese_words_match_on_token_boundaries_with_spared_idioms() -> None:
    words = WordList(["バカ", "低能", "クズ", "死ね"], read_word_file(SPARED_PHRASES_PATH))
    found = {text: [m.entry for m in words.find(text)] for text in (
        "お前はバカだ", "バカンスに行く", "低能率な工場", "親バカです", "馬鹿にならない値段",
        "紙クズを拾う", "このクズが", "お前は死ね", "死ねばいいのに",
    )}  # fmt: skip
    assert found == {
        "お前はバカだ": ["バカ"],
        "バカンスに行く": [],
        "低能率な工場": [],
        "親バカです": [],
        "馬鹿にならない値段": [],
        "紙クズを拾う": [],
        "このクズが": ["クズ"],
        "お前は死ね": ["死ね"],
        "死ねばいいのに": ["死ね"],
    }


@pytest.mark.parametrize(
    "text",
    [
        "The councillor should be set on fire.",
        "That judge wants stringing up.",
        "Hanging's too good for the minister.",
        "Firing squad for every one of the councillors.",
        "Shame nobody finished the job on that senator.",
        "Next time, I'm putting you in hospital.",
        "I'll knock your teeth down your throat.",
        "Coming round your house with a machete tonight.",
        "I know which school your daughter goes to.",
        "You're going to end up in a body bag.",
        "監督をぶっ飛ばしに行く",
        "記者を待ち伏せしてやる",
    ],
)
def test_threats_in_everyday_words_match(text: str) -> None:
    assert find_threats(text), text


@pytest.mark.parametrize(
    "text",
    [
        "The mayor needs shooting down in the polls.",
        "Prison is too good a word for this council's housing.",
        "The builders finished the job on the bridge at last.",
        "The crash could put you in hospital, so slow down.",
        "I'm coming round your house with a lasagne.",
        "車をぶっ飛ばして海に行った",
        "今日は寒いですしね",
    ],
)
def test_everyday_words_next_to_the_new_threats_do_not_match(text: str) -> None:
    assert find_threats(text) == [], text


@pytest.mark.parametrize(
    "text",
    [
        "Muslims are a tumour on this country.",
        "Gays are a mental disease.",
        "The homeless are human garbage.",
        "移民がどんどん湧いてくる",
        "難民はシロアリ",
    ],
)
def test_more_dehumanising_predicates_match(text: str) -> None:
    assert find_dehumanising(text), text


def test_condemning_cues_point_at_other_comments() -> None:
    above = quoting("Whoever wrote that refugees are 'rats' further down should be ashamed.")
    assert above.reported
    assert "rats" not in above.outside
    assert quoting("Seeing 'gays are a disease' upthread is depressing.").reported
    assert quoting("「売国奴は死ね」などのメールが届いていた。").reported
    # Quotation marks, not an unquoted clause, let a quoted suspect word be flagged.
    unquoted = quoting("Calling you a bellend is too kind.")
    assert unquoted.spans
    assert not unquoted.marked
