"""The demo publication's articles (fiction) and the comments seeded under them."""

from __future__ import annotations

import msgspec


class Article(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    title: str
    section: str
    lang: str
    dek: str
    paragraphs: tuple[str, ...]
    hours_ago: int
    closed: bool = False


class SeedComment(msgspec.Struct, frozen=True, kw_only=True):
    """``author`` is a demo reader's key; ``reply_to`` the index of an earlier comment;
    ``reports`` are (reader key, reason) pairs, so the desk's queues have work to show."""

    author: str
    body: str
    reply_to: int | None = None
    likes: tuple[str, ...] = ()
    reports: tuple[tuple[str, str], ...] = ()


ARTICLES = (
    Article(
        slug="harbour-bridge-reopens",
        title="Harbour Bridge reopens after two years of repairs",
        section="City",
        lang="en",
        dek="Commuters get their shortcut back, with a new cycle lane and a toll that "
        "nobody asked for.",
        paragraphs=(
            (
                "The Harbour Bridge reopened to traffic at dawn on Monday, two years and four "
                "months after engineers found cracks in two of its main cables."
            ),
            (
                "The repair cost 212 million, 30 million more than budgeted. The city says a "
                "new toll of 1.50 per crossing will recover the difference within eight years."
            ),
            (
                "Cyclists get a protected lane on the east side for the first time since the "
                "bridge opened in 1931. “It is the best thing to happen to my commute in "
                "a decade,” said one rider, who crossed it twice to be sure."
            ),
            (
                "Ferry operators, who carried many of the bridge's commuters during the "
                "closure, said they would cut their morning services from next month."
            ),
        ),
        hours_ago=5,
    ),
    Article(
        slug="council-votes-bike-lanes",
        title="Council votes for 40 km of protected bike lanes",
        section="Politics",
        lang="en",
        dek="The plan passed 7 to 4 after a five-hour meeting; parking spaces on six "
        "avenues will go.",
        paragraphs=(
            (
                "After a five-hour meeting that ran past midnight, the city council approved a "
                "plan for 40 kilometres of protected bike lanes over the next three years."
            ),
            (
                "About 1,100 on-street parking spaces will be removed on six avenues. Business "
                "owners on Fulton Avenue asked for a delay of one year; the council refused."
            ),
            (
                "The first segment, between the station and the university, is due to open "
                "in the spring."
            ),
        ),
        hours_ago=26,
    ),
    Article(
        slug="bakery-wins-bread-award",
        title="Corner bakery wins the national bread award",
        section="Life",
        lang="en",
        dek="A 70-year-old rye recipe beat 412 entries. The queue now starts at six.",
        paragraphs=(
            (
                "Moretti's, a bakery on the corner of 5th and Vine, won the national "
                "bread award on Saturday with a dark rye made from a recipe that has not "
                "changed since 1954."
            ),
            (
                "“We did not change anything, we just kept doing it,” said Anna "
                "Moretti, who runs the bakery with her two sons."
            ),
        ),
        hours_ago=50,
    ),
    Article(
        slug="election-night-results",
        title="Election night: how every district voted",
        section="Politics",
        lang="en",
        dek="The full results, district by district. Comments on this story are closed.",
        paragraphs=(
            (
                "Turnout reached 61 percent, the highest in twenty years. The incumbent mayor "
                "won a second term with 52 percent of the vote."
            ),
            (
                "The conversation about the results continues under our analysis pieces; "
                "comments on this live page are closed."
            ),
        ),
        hours_ago=24 * 9,
        closed=True,
    ),
    Article(
        slug="sakura-forecast-tokyo",
        title="桜の開花予想、東京は例年より5日早く",
        section="生活",
        lang="ja",
        dek="暖冬の影響で、各地で開花が早まる見通し。",
        paragraphs=(
            "気象会社は月曜日、東京の桜の開花が例年より5日早くなるとの予想を発表した。",
            "この冬は全国的に気温が高く、要因のひとつと考えられる。満開は開花のおよそ1週間後の見込み。",
            "上野公園では、お花見の場所取りに関する新しいルールを今年から導入する。",
        ),
        hours_ago=8,
    ),
)

COMMENTS: dict[str, tuple[SeedComment, ...]] = {
    "harbour-bridge-reopens": (
        SeedComment(
            author="premium",
            body="Two years for two cables. I would love to see the **full** engineering "
            "report, not just the press release.",
            likes=("digital", "betty", "gwen"),
        ),
        SeedComment(
            author="moderator",
            body="We asked the city for it this morning and will link it here when it "
            "arrives. Thanks for reading!",
            reply_to=0,
        ),
        SeedComment(
            author="betty", body="The cycle lane is *wonderful*. The toll is not.", reply_to=0
        ),
        SeedComment(
            author="digital",
            body="Crossed it this morning. Quieter than I remember, probably the toll.\n\n"
            "> It is the best thing to happen to my commute in a decade\n\nSame here.",
        ),
        SeedComment(
            author="gwen",
            body="Sorry to see the early ferries go, they were lovely.",
            likes=("premium",),
        ),
        SeedComment(author="betty", body="Does anyone know if the toll applies to bicycles?"),
        SeedComment(author="premium", body="It does not: cars and vans only.", reply_to=5),
    ),
    "council-votes-bike-lanes": (
        SeedComment(
            author="gwen",
            body="Finally. Fulton Avenue is terrifying on a bike.",
            likes=("digital", "premium"),
        ),
        SeedComment(
            author="betty",
            body="I run a shop on Fulton. Half my customers drive. A delay of one year was "
            "not much to ask.",
            reports=(("gwen", "off_topic"),),
        ),
        SeedComment(
            author="digital",
            body="Cities that did this saw shop revenue go *up*, e.g. "
            "[this study](https://example.org/bike-lanes-study).",
            reply_to=1,
        ),
        # Held by the threat-phrase check: the moderator's pending queue starts with it.
        SeedComment(
            author="betty",
            body="Keep pushing this and see what happens to your bike. I know where you live.",
            reply_to=2,
        ),
    ),
    "bakery-wins-bread-award": (
        SeedComment(author="digital", body="The rye is worth the queue. Go before 7."),
    ),
    "election-night-results": (
        SeedComment(author="premium", body="Sixty-one percent turnout! Good to see."),
    ),
    "sakura-forecast-tokyo": (
        SeedComment(
            author="hanako",
            body="今年も上野に行きます。場所取りのルールが気になります。",
        ),
        SeedComment(
            author="ken",
            body="平日の朝がおすすめですよ。",
            reply_to=0,
        ),
    ),
}


def article(slug: str) -> Article | None:
    for item in ARTICLES:
        if item.slug == slug:
            return item
    return None
