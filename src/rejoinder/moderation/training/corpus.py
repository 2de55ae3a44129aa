"""The labelled corpus: templates and hand-written sentences, expanded with a fixed seed.

Every example is ``{"text", "label", "category", "lang", "template"}``; ``label`` 1 means a
moderator should see the comment before the public does. Templates, not sentences, are split
between train and dev (every fifth template of a category goes to dev), so the dev figures
measure sentences built from wording the model never saw, not paraphrases of its training set.

Written for Rejoinder and dedicated to the public domain (CC0); no published hate-speech test
suite or data set was used or consulted for wording.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from rejoinder.moderation.training import vocab_comments as comments
from rejoinder.moderation.training import vocab_en as en
from rejoinder.moderation.training import vocab_everyday as everyday
from rejoinder.moderation.training import vocab_ja as ja

SEED = 20261201
PER_TEMPLATE = 14  # fills drawn per toxic template (duplicates dropped)
PER_EVERYDAY_TEMPLATE = 60  # the everyday subject x remark frames have the most to say
PER_IDENTITY_TEMPLATE = 40  # many groups: enough fills for each to meet civil sentences
PER_BENIGN_TEMPLATE = 24  # benign templates are fewer: draw more, so classes balance
DEV_EVERY = 5

TOXIC = (
    "insult_commenter", "insult_public_figure", "threat_direct", "threat_indirect",
    "threat_conditional", "threat_passive", "dehumanisation", "slur", "obfuscated",
)  # fmt: skip
BENIGN = (
    "profanity_benign", "counter_speech", "quotation", "identity_neutral", "crime_court_war",
    "civil_disagreement", "neutral",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    label: int
    category: str
    lang: str
    template: str
    split: str


_HARMS = ("kills", "shoots", "stabs", "hurts", "hangs", "beats up", "takes out", "murders")

_PLACES = ("Kharkiv", "Gaza", "Khartoum", "Aleppo", "the north", "the capital", "Mosul", "Goma")


def _code(rng: random.Random) -> str:
    """A user name, ticket or test token: letters and digits mixed (not leetspeak)."""
    stem = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randrange(3, 10)))
    return f"{stem}{rng.randrange(1, 100)}{rng.choice(('', 'x', 'b', '_a'))}"


Filler = Callable[[random.Random], dict[str, str]]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _en_fill(rng: random.Random) -> dict[str, str]:
    target = rng.choice((*en.OFFICES, *en.FIGURES, *en.FIGURES))
    return {
        "group": rng.choice(en.GROUPS),
        "group_adj": rng.choice(en.GROUP_ADJ),
        "member": rng.choice(en.MEMBER),
        "office": rng.choice(en.OFFICES),
        "figure": rng.choice(en.FIGURES),
        "target": target,
        "pron": rng.choice(en.PRON_OBJ),
        "insult": rng.choice((*en.INSULTS_PLAIN, *en.INSULTS_PLAIN, *en.INSULTS_PROFANE)),
        "adj": rng.choice(en.INSULT_ADJ),
        "slur": rng.choice(en.SLURS),
        "dnoun": rng.choice(en.DEHUMAN_NOUNS),
        "dverb": rng.choice(en.DEHUMAN_VERBS),
        "harmed": rng.choice(en.HARM_PASSIVE),
        "harm": rng.choice(en.HARM_ACTIVE),
        "harms": rng.choice(_HARMS),
        "past": rng.choice(en.PAST_ATTACKS),
        "crime_subj": rng.choice(en.CRIME_SUBJ),
        "crime_event": rng.choice(en.CRIME_EVENT),
        "war": rng.choice(en.WAR_EVENT),
        "war_place": rng.choice(_PLACES),
        "topic": rng.choice(en.TOPICS),
        "opinion": rng.choice(en.CIVIL_OPINION),
        "positive": rng.choice(en.POSITIVE),
        "profane": rng.choice(en.PROFANE_BENIGN),
        "code": _code(rng),
        "pv": rng.choice(everyday.EN_PLAN_VERBS),
        "po": rng.choice(everyday.EN_PLAN_OBJECTS),
        "n": str(rng.randrange(1, 500)),
        "es": (subject := rng.choice(everyday.EN_SUBJECTS)),
        "es_l": subject[0].lower() + subject[1:],
        "er": rng.choice(everyday.EN_REMARKS),
    }


def _ja_fill(rng: random.Random) -> dict[str, str]:
    return {
        "g": rng.choice(ja.GROUPS),
        "o": rng.choice(ja.OFFICES),
        "f": rng.choice(ja.FIGURES),
        "t": rng.choice((*ja.OFFICES, *ja.FIGURES, "お前", "こいつ", "あいつ", "コメ主")),
        "i": rng.choice(ja.INSULTS),
        "s": rng.choice(ja.SLURS),
        "d": rng.choice(ja.DEHUMAN),
        "h": rng.choice(ja.HARM_TE),
        "q": rng.choice(ja.QUOTED),
        "p": rng.choice(ja.PLACES),
        "n": rng.choice(ja.NUMBERS),
        "topic": rng.choice(ja.TOPICS),
        "js": rng.choice(everyday.JA_SUBJECTS),
        "jr": rng.choice(everyday.JA_REMARKS),
    }


# English templates by category. Slots are str.format fields filled by _en_fill.
EN: dict[str, Sequence[str]] = {
    "insult_commenter": (
        "You are a {insult}.",
        "Only a {adj} {insult} would write a comment like that.",
        "Shut up, you {adj} {insult}.",
        "What a {adj} {insult} you are.",
        "Go back to school, {insult}.",
        "Your comment is the dumbest thing I've read today, {insult}.",
        "Nobody cares what a {insult} like you thinks.",
        "Are you really this {adj}, or just pretending?",
        "Typical {adj} take from a {insult}.",
        "Get a life, you {insult}.",
        "Lol, imagine being this {adj}.",
        "You're too {adj} to understand the article, {insult}.",
        "Stop posting, you absolute {insult}.",
        "People like you are {adj} {insult}s.",
        "Read a book for once, you {adj} {insult}.",
        "Every comment you make proves you're a {insult}.",
        "Crawl back under your rock, {insult}.",
        "Wow, you really are a {adj} little {insult}.",
        "I've met smarter rocks than you, {insult}.",
        "Go away, nobody wants your {adj} opinions.",
        *everyday.EN_SHORT_ABUSE,
    ),
    "insult_public_figure": (
        "{figure} is a {adj} {insult}.",
        "{office} is a corrupt, lying {insult}.",
        "{figure} is the most {adj} {insult} in politics.",
        "What a {adj} {insult} {office} is.",
        "{figure} is a {insult} and everyone knows it.",
        "Only a {insult} like {figure} could come up with {topic}.",
        "{office}? A {adj} {insult} with a title.",
        "{figure} should be ashamed, the {adj} {insult}.",
        "I can't stand {figure}, what a {insult}.",
        "{figure} has the brain of a {insult}.",
        "Absolute {insult}, {office} is.",
        "{office} is nothing but a {adj} {insult}.",
    ),
    "threat_direct": (
        "I will {harm} you.",
        "I'm going to {harm} you and your family.",
        "I will find you and {harm} you.",
        "I'm going to {harm} {target}.",
        "We will {harm} {target} when we find {pron}.",
        "I know where you live and I'm coming for you.",
        "I'll {harm} you if I ever see you.",
        "Mark my words, I will {harm} {target}.",
        "I swear I'll {harm} {pron}.",
        "Keep writing this and I'll come to your office and {harm} you.",
        "I am going to {harm} every one of you.",
        "Watch your back, I'm coming to {harm} you.",
        "I'll make sure {target} never walks again.",
        "Tonight I'm going to {harm} {target}.",
    ),
    "threat_indirect": (
        "Someone should {harm} {target}.",
        "It would be a shame if something happened to {target}'s family.",
        "{target} had better watch out, people know where {pron} lives.",
        "Somebody needs to give {target} {past}.",
        "I hope someone {harms} {target} soon.",
        "Wouldn't it be nice if {target} had an accident.",
        "Someone ought to pay {target} a visit with a baseball bat.",
        "{target} will get {past}, just wait.",
        "Don't be surprised when someone finally {harms} {target}.",
        "A real patriot would {harm} {target}.",
        "There are people out there who would happily {harm} {target}.",
        "Give {target} {past}.",
        "Remember {past}? {target} is next.",
    ),
    "threat_conditional": (
        "If {target} raises taxes again, I will {harm} {pron}.",
        "If you post this again I'll {harm} you.",
        "Vote for {topic} and you'll regret it when we find you.",
        "If {target} shows up here, {pron} won't leave alive.",
        "One more article like this and I'll {harm} the reporter.",
        "If the judge lets him go, I'll {harm} the judge myself.",
        "Pass {topic} and we will {harm} you.",
        "If {target} doesn't resign by Friday, {pron} will be {harmed}.",
        "Come to the rally, {target}, and see what happens to you.",
        "If you keep talking, you'll end up in a ditch.",
    ),
    "threat_passive": (
        "{target} should be {harmed}.",
        "{target} deserves to be {harmed}.",
        "{target} needs to be {harmed}.",
        "{target} ought to be {harmed}.",
        "{target} must be {harmed}.",
        "{target} should be {harmed} for treason.",
        "Traitors like {target} should be {harmed}.",
        "{target} should be {harmed} in public.",
        "{target} deserves a bullet.",
        "{target} should hang.",
        "{target} deserves to die.",
        "{target} should die.",
        "Hang {target}.",
        "String {target} up.",
        "{target} needs a bullet in the head.",
        "{target} and everyone who voted for {topic} should be {harmed}.",
        "Line them up and have them {harmed}.",
        "{target} would look better {harmed}.",
        "{target} belongs in a coffin.",
        "Death to {target}.",
        "{target} should be {harmed}, no trial needed.",
        "The world would be better if {target} was {harmed}.",
    ),
    "dehumanisation": (
        "{group} are {dnoun}.",
        "{group} are nothing but {dnoun}.",
        "{group} are not human, they are {dnoun}.",
        "{group} breed like rats.",
        "{group} should be {dverb}.",
        "We need to get rid of {group} like the {dnoun} they are.",
        "{group} are invading our country.",
        "{group} are {dnoun} infesting our towns.",
        "Deport all {group}, they are {dnoun}.",
        "{group} are a disease on this country.",
        "{group} are less than human.",
        "{group} are subhuman {dnoun}.",
        "The {group} plague must be stopped.",
        "{group} aren't people, they're {dnoun}.",
        "Treat {group} like the {dnoun} they are.",
        "{group} should be {dverb} from this country.",
        "{group} are animals and should be caged.",
        "Every one of the {group} is {dnoun}.",
        "{group} are the {dnoun} of society.",
        "{group} are filthy {dnoun}.",
        "Our country is being overrun by {group}, {dnoun} the lot of them.",
        "{group} have no place among humans.",
    ),
    "slur": (
        "Shut up, {slur}.",
        "Typical {slur}.",
        "Go home, {slur}.",
        "{target} is a {slur}.",
        "Nobody wants you here, {slur}.",
        "Another {slur} commenting.",
        "Look at this {slur} crying.",
        "Of course a {slur} wrote this.",
        "Get out of our country, you {slur}.",
        "You {slur}s are all the same.",
        "Ugh, {slur}s everywhere.",
        "Stupid {slur}.",
    ),
    "profanity_benign": (
        "{profane}",
        "{profane} Great reporting.",
        "Honestly? {profane}",
        "Lol. {profane}",
        "{profane} Thanks for the update on {topic}.",
        "{profane} Anyway, {positive}",
        "Ha, {profane}",
        "{positive} {profane}",
        "{es} {er}. {profane}",
        "{profane} Cheers.",
    ),
    "counter_speech": (
        "Calling {group} '{slur}' is disgusting and should never be tolerated.",
        (
            "Someone wrote '{group} are {dnoun}' under this article; "
            "that is hate speech and it should go."
        ),
        "Stop calling people {insult}s, it adds nothing to the debate.",
        "The word '{slur}' is a slur. Please don't use it here.",
        "Saying {group} are {dnoun} is exactly the kind of hate this article is about.",
        "I'm tired of seeing {group} called {dnoun} online. They are our neighbours.",
        "Whoever called {group} '{slur}' above should be banned.",
        "Hate against {group} has no place here.",
        "Threatening {target} is never acceptable, whatever you think of {pron}.",
        "People who say {target} should be {harmed} are the real problem.",
        "My {group_adj} friend was called a '{slur}' at work, and nobody stood up for them.",
        "When a politician calls {group} '{dnoun}', history tells us where that ends.",
        "Reported the comment calling {group} {dnoun}. Disgusting.",
        "No, {group} are not '{dnoun}'. They are people.",
        "The far-right leaflet called {group} '{dnoun}', and the police are investigating.",
        "Words like '{slur}' hurt real people. Think before you post.",
        "It is not 'free speech' to say {target} should be {harmed}. It's a threat.",
        "Telling a commenter they are a '{insult}' is not an argument.",
        "My grandparents were called '{dnoun}' when they arrived. Never again.",
        "The hate mail {target} received, saying {pron} should be {harmed}, is shameful.",
    ),
    "quotation": (
        "The defendant told the victim 'I will {harm} you' before the attack, the court heard.",
        "Police said the man shouted 'I'm going to {harm} you all' as he ran into the shop.",
        "Prosecutors say he wrote '{target} should be {harmed}' in a message to a friend.",
        "The court was told she texted 'I will kill you' to her ex-partner.",
        "According to the indictment, he posted 'someone should {harm} {target}' online.",
        (
            "'{target} deserves to be {harmed},' read one of the letters sent to the council, "
            "police said."
        ),
        "The jury heard a recording in which the accused says 'I'll {harm} him'.",
        "He was convicted of sending threats, including 'I know where you live'.",
        "The report quotes a soldier saying 'we were told to {harm} anyone who moved'.",
        "The MP read out messages she had received, such as 'you will be {harmed}'.",
        "Officers found a note that said 'I am going to {harm} {target}', the trial was told.",
        "Witnesses heard the gunman yell 'you're all going to die'.",
        'In the video, the man is heard saying "I\'m going to {harm} you" to the officer.',
        'The note, which read "{target} will be {harmed}", was handed to police.',
        "She told the jury her husband had said he would {harm} her if she left.",
        'Threats such as "we will {harm} you" were sent to election staff, the report says.',
        'The defendant admitted writing "{group} are {dnoun}" on the mosque wall.',
        (
            "Messages saying '{target} should be {harmed}' were posted hundreds of times, "
            "researchers found."
        ),
    ),
    "identity_neutral": (
        "My neighbours are a {group_adj} couple and they're lovely.",
        "As a {member}, I found this article balanced.",
        "{group} have lived in this town for generations.",
        "The festival celebrated {group_adj} culture.",
        "I'm proud of my {group_adj} friends.",
        "{group} deserve equal rights.",
        "{group} are welcome here.",
        "The survey asked {group} about housing costs.",
        "Many {group} work in the local hospital.",
        "{group} in the city raised money for the flood victims.",
        "I'm a {member} and I love this town.",
        "The new centre will support {group} and their families.",
        "Our school has many {group_adj} pupils.",
        "{group} are people like anyone else.",
        "The councillor met {group} to discuss the plan.",
        "The documentary about {group} was beautiful.",
        "My best friend is a {member}.",
        "The report found that {group} face discrimination at work.",
        "{group} should be treated with respect.",
        "{group} deserve to be heard.",
        "Hate crimes against {group} rose last year, police said.",
        "{group_adj} voters are split on {topic}.",
        "My daughter married a {member} and we're thrilled.",
        "The {group_adj} community organised the street party.",
        "Lots of {group} came to the open day.",
        "I grew up with {group} and never understood the hostility.",
        "{group} are over-represented in low-paid jobs, the study says.",
        "Is it true that {group} were excluded from the consultation?",
        "The museum has a new exhibition on the history of {group}.",
        "Two {group_adj} candidates are standing in the ward this year.",
        "{group} should not have to justify their existence.",
        "Support for {group} has grown, the poll found.",
        "The {group_adj} choir sang at the ceremony.",
        "The charity helps {group} find work.",
        "Many of my colleagues are {group}.",
        "{group} face longer waits for housing, according to the council.",
        "The article about {group} was sensitive and fair.",
        "We need more {group_adj} teachers.",
        "The {group_adj} family next door brought us soup when I was ill.",
        "I am {group_adj} and this article made me feel seen.",
        "{group} were among the volunteers at the flood.",
        "{group} have every right to live here.",
        "Happy holidays to all {group} reading this.",
        "Protecting {group} from abuse should be a priority.",
        "What do {group} in the town think about {topic}?",
        "{group} in our street organised a fundraiser for the hospice.",
        "A {member} won the county poetry prize.",
        "The bus drivers' union includes many {group}.",
        "My son's teacher is a {member} and she's wonderful.",
        "I'm a {member}; ask me anything about {topic}.",
        "Interesting interview with three {group} about {topic}.",
        "{group} pay the same council tax as the rest of us.",
        "The new GP practice has {group_adj} doctors.",
        "{group} were the subject of a fascinating radio series.",
        "As {group_adj} residents, we support {topic}.",
        "The history society gave a talk on {group} in the region.",
        "A record number of {group} joined the marathon.",
    ),
    "crime_court_war": (
        "{crime_subj} {crime_event}.",
        "{crime_subj} {crime_event}, the court heard.",
        "{war}.",
        "{war}, officials said.",
        "Police say {crime_subj} {crime_event}.",
        "{crime_subj} {crime_event} after the attack on the high street.",
        "The trial continues: {crime_subj} {crime_event}.",
        "Reporting from the front: {war}.",
        "The victim's family said they were relieved that {crime_subj} {crime_event}.",
        "The inquest heard the man was shot twice and died at the scene.",
        "The judge said the killing was brutal and premeditated.",
        "Police are hunting a man who stabbed two people outside the station.",
        "He threatened to kill his neighbour, the magistrates were told, and was fined.",
        "The gang planned to murder a rival, prosecutors allege.",
        "The army was accused of killing civilians in {war_place}.",
        "A man was stabbed to death in {war_place} on Saturday.",
        "Police shot and wounded a man armed with a knife.",
        "The hostage was beheaded, the group claimed.",
        "Officers found the body of a woman who had been strangled.",
        "The murder weapon, a hammer, was shown to the jury.",
        "The suspect allegedly threatened to shoot staff at the bank.",
        "He was hanged in 1953 for a murder he did not commit.",
        "The bombing killed 40 people in {war_place}.",
        "Troops opened fire on protesters in {war_place}, killing nine.",
        "Genocide survivors from {war_place} gave evidence.",
        "The shooter had posted threats online before the attack.",
    ),
    "civil_disagreement": (
        "{topic} {opinion}.",
        "Honestly, {topic} {opinion}.",
        "I think {topic} {opinion}.",
        "{office} should resign over {topic}.",
        "I completely disagree with {figure} on {topic}.",
        "{figure} is wrong about {topic}, and the figures prove it.",
        "{office} has failed this city.",
        "This article is one-sided and ignores the other view.",
        "You are wrong, and here is why: the numbers don't add up.",
        "I disagree with you strongly, but I respect your right to say it.",
        "{office} should be voted out.",
        "{office} deserves to lose the next election.",
        "{topic} should be scrapped, full stop.",
        "{figure} should be sacked for this.",
        "{office} must be held accountable for {topic}.",
        "{office} should be investigated.",
        "Kill {topic} before it does more damage.",
        "That argument is ridiculous and you know it.",
        "Shame on {office} for pushing {topic}.",
        "{figure}'s speech was a disgrace.",
        "This is nonsense from start to finish.",
        "I'm sick and tired of {office} ignoring us on {topic}.",
        "{office} is out of touch and should step down.",
        "We should fight {topic} in the courts and at the ballot box.",
        "{topic} would destroy small businesses.",
        "The opposition will crush {office} at the election if this goes ahead.",
        "Protest {topic} peacefully, but loudly.",
        "{office} lied about {topic} and must answer for it.",
        "What an incompetent decision by {office}.",
        "I have never been so angry at {office}. Resign.",
        "{topic} is a scandal and heads should roll at the council.",
        "{figure} should be fired for this article.",
        "{figure} deserves all the criticism coming.",
        "Attack the argument, not the person: {topic} is simply unaffordable.",
        "Your point about {topic} is wrong, but I see why you think it.",
        "Absolutely not. {topic} is madness.",
        "I will vote against {office} and campaign against {topic}.",
        "Burn {topic} to the ground, politically speaking: it has to go.",
        "The council should be ashamed of itself over {topic}.",
        "{office} has blood on their hands over the hospital closure, and voters will remember.",
        "This is a war on drivers and I'm furious about {topic}.",
        "{office} needs to be replaced at the next election.",
    ),
    "neutral": (
        "{positive}",
        "{positive} {positive}",
        "Re {topic}: {positive}",
        "On {topic}: {positive}",
        "{positive} Also, {topic} deserves a follow-up.",
        "Thanks. {positive}",
        "Quick question about {topic}: who decides?",
        "{office} spoke well at the meeting about {topic}.",
        "I met {figure} at the market, very friendly.",
        "The article on {topic} was clear. {positive}",
        "{es} {er}.",
        "Honestly, {es_l} {er}.",
        "{es} {er}, in my view.",
        "I think {es_l} {er}.",
        "{es} {er}? Agreed.",
        "Update: {es_l} {er}.",
        "As usual, {es_l} {er}.",
        "Not sure {es_l} {er}, but we'll see.",
        "{es} {er}. {positive}",
        "Fun fact: {es_l} {er}.",
        *everyday.EN_IDIOMS,
        *everyday.EN_SHORT,
        *everyday.EN_FRAGMENTS,
        "{code} comment number {n}",
        "{code} test post",
        "Order {code} still has not arrived.",
        "{code}: {positive}",
        "Comment {n} on {topic}",
        "Ref {code}, see page {n}.",
        "Post {n} by {code}",
        "Re: {code} {positive}",
        "I will {pv} {po}.",
        "I'll {pv} {po} tomorrow.",
        "I'm going to {pv} {po}.",
        "We will {pv} {po} next week.",
        "I will {pv} {po} if I can.",
        "Tonight I'll {pv} {po}.",
        "If it rains, I'll {pv} {po} instead.",
        "I swear I'll {pv} {po} one day.",
        "I will be there for {po}.",
        "I'll be at {po} soon.",
        *everyday.EN_PLAN_EXTRA,
    ),
}

JA: dict[str, Sequence[str]] = {
    "insult_commenter": (*ja.INSULT_FRAMES, *everyday.JA_SHORT_ABUSE),
    "insult_public_figure": ja.FIGURE_FRAMES,
    "threat_direct": ja.THREAT_DIRECT,
    "threat_indirect": ja.THREAT_INDIRECT,
    "threat_conditional": ja.THREAT_CONDITIONAL,
    "threat_passive": ja.THREAT_PASSIVE,
    "dehumanisation": ja.DEHUMAN_FRAMES,
    "slur": (
        "{s}は帰れ",
        "{s}が書き込むな",
        "これだから{s}は",
        "{s}は出ていけ",
        "{t}は{s}",
        "{s}ども",
    ),
    "profanity_benign": ja.PROFANE_BENIGN,
    "counter_speech": ja.COUNTER,
    "quotation": ja.QUOTED_THREAT,
    "identity_neutral": ja.IDENTITY_NEUTRAL,
    "crime_court_war": (*ja.CRIME, *ja.CRIME_FRAMES),
    "civil_disagreement": (*ja.CIVIL, *ja.CIVIL_FRAMES),
    "neutral": (
        *ja.POSITIVE,
        *ja.POSITIVE_FRAMES,
        *everyday.JA_IDIOMS,
        *everyday.JA_SHORT,
        "{js}{jr}。",
        "{js}{jr}ね。",
        "正直、{js}{jr}。",
        "{js}{jr}と思う。",
        "やっぱり{js}{jr}。",
        "{js}{jr}。{o}に期待。",
    ),
}

_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}


def obfuscate(text: str, rng: random.Random) -> str:
    """One of the tricks people use to get past word lists, applied to a word of ``text``."""
    words = text.split()
    if not words:
        return text
    # The longest word is usually the insult or the verb that carries the harm.
    k = max(range(len(words)), key=lambda i: (len(words[i].strip(".,!?'")), -i))
    word = words[k]
    trick = rng.randrange(5)
    if trick == 0:
        word = "".join(_LEET.get(c, c) if rng.random() < 0.7 else c for c in word)
    elif trick == 1:
        word = " ".join(word)
    elif trick == 2 and len(word) > 3:
        word = word[0] + "*" * (len(word) - 2) + word[-1]
    elif trick == 3:
        word = ".".join(word)
    else:
        vowels = [i for i, c in enumerate(word) if c in "aeiou"]
        if vowels:
            i = rng.choice(vowels)
            word = word[: i + 1] + word[i] * rng.randrange(2, 5) + word[i + 1 :]
    words[k] = word
    return " ".join(words)


def _expand(
    lang: str, category: str, templates: Sequence[str], fill: Filler, rng: random.Random
) -> Iterator[Example]:
    label = int(category in TOXIC)
    for index, template in enumerate(templates):
        split = "dev" if index % DEV_EVERY == DEV_EVERY - 1 else "train"
        name = f"{lang}:{category}:{index}"
        draws = (PER_TEMPLATE if label else PER_BENIGN_TEMPLATE) if "{" in template else 1
        if "{es}" in template or "{es_l}" in template or "{js}" in template:
            draws = PER_EVERYDAY_TEMPLATE
        elif category == "identity_neutral":
            draws = PER_IDENTITY_TEMPLATE
        seen: set[str] = set()
        for _ in range(draws):
            text = _cap(template.format(**fill(rng)))
            if text in seen:
                continue
            seen.add(text)
            yield Example(text, label, category, lang, name, split)


def build() -> list[Example]:
    """The whole corpus, the same on every run (fixed seed, fixed order)."""
    rng = random.Random(SEED)  # noqa: S311 -- reproducible sampling, not secrets
    examples: list[Example] = []
    for category, templates in EN.items():
        examples += _expand("en", category, templates, _en_fill, rng)
    for category, templates in JA.items():
        examples += _expand("ja", category, templates, _ja_fill, rng)
    # Obfuscated copies of English abuse: the trick, not the template, is what is new.
    abusive = [e for e in examples if e.lang == "en" and e.label and e.category != "obfuscated"]
    for example in abusive[::3]:
        text = obfuscate(example.text, rng)
        if text != example.text:
            examples.append(Example(text, 1, "obfuscated", "en", example.template, example.split))
    # Comments are longer than templates: an insult or a calm remark after a civil lead-in
    # ("With respect, ..."), the same lead-ins on both sides so that they carry no weight.
    for example in [e for e in examples if e.lang == "en" and e.category in _LEAD_IN][::4]:
        lead = _LEAD_INS[zlib.crc32(example.text.encode()) % len(_LEAD_INS)]
        text = f"{lead} {example.text[0].lower()}{example.text[1:]}"
        examples.append(
            Example(text, example.label, example.category, "en", example.template, example.split)
        )
    # Japanese: spaced-out or katakana-ised kill/die forms.
    for example in [e for e in examples if e.lang == "ja" and e.label][::4]:
        text = example.text.replace("死ね", "氏ね").replace("殺", "コロ").replace("バカ", "ば か")
        if text != example.text:
            examples.append(Example(text, 1, "obfuscated", "ja", example.template, example.split))
    # Short administrative notes ("To be confirmed", 「削除予定」), added after every draw from
    # the seeded generator so that the rest of the corpus stays as it was; every fifth to dev.
    # The same verbs aimed at a person ("Delete yourself") are abuse, and are added likewise.
    notes = (
        ("en", "neutral", everyday.EN_ADMIN),
        ("ja", "neutral", everyday.JA_ADMIN),
        ("en", "insult_commenter", everyday.EN_ADMIN_ABUSE),
        ("ja", "insult_commenter", everyday.JA_ADMIN_ABUSE),
    )
    for lang, category, texts in notes:
        for index, text in enumerate(texts):
            split = "dev" if index % DEV_EVERY == DEV_EVERY - 1 else "train"
            label = int(category in TOXIC)
            name = f"{lang}:{category}:admin:{index}"
            examples.append(Example(text, label, category, lang, name, split))
    # Comments as readers write them (sarcasm, unlisted insults, everyday threat verbs, hot but
    # civil criticism), all to train: dev stays as it was, wild.jsonl is the check for these.
    for lang, by_category in (
        ("en", comments.EN_ABUSE),
        ("en", comments.EN_CIVIL),
        ("ja", comments.JA_ABUSE),
        ("ja", comments.JA_CIVIL),
    ):
        for category, written in by_category.items():
            label = int(category in TOXIC)
            for index, text in enumerate(written):
                name = f"{lang}:{category}:comment:{index}"
                examples.append(Example(text, label, category, lang, name, "train"))
    return _dedupe(examples)


_LEAD_IN = frozenset(
    {"insult_commenter", "insult_public_figure", "civil_disagreement", "neutral", "slur"}
)
_LEAD_INS = (
    "With respect,",
    "Frankly,",
    "Let me be clear:",
    "Having lived here for decades,",
    "Sorry, but",
    "I read this twice and",
    "To the person above:",
    "As a parent,",
)


def _dedupe(examples: list[Example]) -> list[Example]:
    """One example per text; a text in both splits stays in dev only (no leak into training)."""
    by_text: dict[str, Example] = {}
    for example in examples:
        kept = by_text.get(example.text)
        if kept is None or (kept.split == "train" and example.split == "dev"):
            by_text[example.text] = example
    return sorted(by_text.values(), key=lambda e: (e.lang, e.category, zlib.crc32(e.text.encode())))


# The fairness check: neutral and positive sentences about every group, written separately and
# never trained on (``identity.jsonl``). With 50 sentences a group, one false hold is 2%.
FAIRNESS_EN = (
    "{g} live in every part of this city.",
    "I work with {g} and they are great colleagues.",
    "The article mentions {g} twice, and fairly.",
    "{g} were interviewed for the report.",
    "Some {g} support the plan and some oppose it.",
    "The census counted more {g} this time.",
    "There is a new support group for {g} at the library.",
    "{g} have the same rights as everyone.",
    "I'd like to hear more from {g} on this issue.",
    "A lot of {g} run small businesses here.",
    "{g} took part in the parade on Sunday.",
    "The poll of {g} had a small sample.",
    "Our neighbours are {g}, and they host the best barbecues.",
    "The charity was founded by {g}.",
    "{g} are part of this community.",
    "The study looked at health outcomes for {g}.",
    "The exhibition tells the stories of {g} in the 1960s.",
    "The mayor met {g} at the town hall.",
    "I'm glad the paper covered the concerns of {g}.",
    "{g} face the same rent rises as the rest of us.",
    "My friends include {g}.",
    "{g} volunteered at the food bank this winter.",
    "The film about {g} won an award.",
    "The school invited {g} to speak to pupils.",
    "{g} have been here for centuries.",
    "The report says {g} are under-represented on the council.",
    "A choir of {g} sang at the opening.",
    "Many {g} vote in local elections.",
    "The helpline for {g} is open again.",
    "The book about {g} is well researched.",
    "{g} deserve respect, like everyone else.",
    "Thank you to the {g} who organised the clean-up.",
    "{g} and their families were at the memorial.",
    "The survey of {g} will be published in May.",
    "The bakery is run by {g}.",
    "The football team has several {g} in it.",
    "{g} should feel safe in this town.",
    "Are {g} consulted about the new centre?",
    "Welcome to all {g} moving here.",
    "{g} were among the first to help after the fire.",
    "I learned a lot about {g} from this piece.",
    "The festival is organised by {g} every year.",
    "Several {g} have stood for the council.",
    "The museum's new wing is about {g}.",
    "The scholarship is open to {g}.",
    "{g} are welcome at the meeting.",
    "The article quotes {g} about the bus cuts.",
    "{g} make up a fifth of the workforce here.",
    "My grandparents were {g}.",
    "The club has members who are {g}.",
)
FAIRNESS_JA = (
    "{g}の方々も市内の各地で暮らしている。",
    "職場の{g}の同僚はとても頼りになる。",
    "記事では{g}について公平に触れている。",
    "{g}への取材が報告書にまとめられた。",
    "{g}の中にも計画に賛成の人と反対の人がいる。",
    "国勢調査で{g}の数が増えた。",
    "図書館で{g}の支援グループが始まった。",
    "{g}にもみんなと同じ権利がある。",
    "この問題について{g}の声をもっと聞きたい。",
    "{g}が経営する小さな店が多い。",
    "日曜のパレードに{g}も参加した。",
    "{g}を対象にした世論調査の結果が出た。",
    "隣の{g}の家族はいつも挨拶してくれる。",
    "その団体は{g}が設立した。",
    "{g}もこの地域の一員だ。",
    "{g}の健康に関する研究が発表された。",
    "展示は1960年代の{g}の暮らしを紹介している。",
    "市長が{g}と意見交換をした。",
    "{g}の懸念を取り上げてくれてありがとう。",
    "{g}も家賃の値上げに困っている。",
    "私の友人には{g}もいる。",
    "{g}がこの冬フードバンクでボランティアをした。",
    "{g}を描いた映画が賞を取った。",
    "学校に{g}を講師として招いた。",
    "{g}の歴史は長い。",
    "議会には{g}が少ないと報告書は指摘する。",
    "{g}の合唱団が開会式で歌った。",
    "多くの{g}が地方選挙で投票している。",
    "{g}向けの相談窓口が再開した。",
    "{g}についての本はよく調べられている。",
    "{g}も他の人と同じように尊重されるべきだ。",
    "清掃活動を企画してくれた{g}に感謝します。",
    "追悼式には{g}とその家族も参列した。",
    "{g}への調査は5月に公表される。",
    "あのパン屋は{g}が営んでいる。",
    "サッカーチームには{g}の選手も何人かいる。",
    "{g}が安心して暮らせる町であってほしい。",
    "新しいセンターについて{g}の意見は聞いたのか。",
    "この町に引っ越してくる{g}を歓迎します。",
    "火事のあと最初に手伝ってくれたのは{g}だった。",
    "この記事で{g}について多くを学んだ。",
    "祭りは毎年{g}が運営している。",
    "{g}の候補者が何人か市議選に出た。",
    "博物館の新しい展示は{g}がテーマだ。",
    "奨学金は{g}も応募できる。",
    "説明会には{g}も参加できます。",
    "記事はバスの減便について{g}の声を紹介している。",
    "ここでは{g}が労働者の5分の1を占める。",
    "祖父母は{g}だった。",
    "クラブには{g}の会員もいる。",
)


def identity_set() -> list[dict[str, object]]:
    """Every fairness sentence for every group, both languages (label 0: civil)."""
    rows: list[dict[str, object]] = []
    for lang, groups, templates in (
        ("en", en.GROUPS, FAIRNESS_EN),
        ("ja", ja.GROUPS, FAIRNESS_JA),
    ):
        for group in groups:
            for template in templates:
                text = _cap(template.format(g=group))
                rows.append(
                    {
                        "text": text,
                        "label": 0,
                        "category": "identity_fair",
                        "lang": lang,
                        "group": group,
                    }
                )
    return rows
