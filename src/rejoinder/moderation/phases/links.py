"""Links: a denied domain always holds; links from new commenters hold unless they point to
the site's own domains or the allow list (link spam comes from fresh accounts)."""

from __future__ import annotations

import re

from rejoinder.moderation.phases.base import Candidate, Outcome

# Hosts in rendered anchors and in bare text ("see evil.example/x" is still an advert).
_URL = re.compile(r"(?:https?://|www\.)([a-z0-9.-]+)", re.IGNORECASE)
_HREF = re.compile(r'href="(?:https?:)?//([^/":?#]+)', re.IGNORECASE)


def hosts(body: str, body_html: str) -> set[str]:
    found = {m.group(1) for m in _HREF.finditer(body_html)}
    found |= {m.group(1) for m in _URL.finditer(body)}
    return {host.lower().strip(".").removeprefix("www.") for host in found if host}


def _within(host: str, domains: set[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


class Links:
    name = "links"

    def __init__(self, site_domains: dict[str, set[str]]) -> None:
        self.site_domains = site_domains

    def check(self, candidate: Candidate) -> Outcome | None:
        ctx, rules = candidate.ctx, candidate.rules
        found = hosts(ctx.body, ctx.body_html)
        if not found:
            return None
        denied = {d.lower().removeprefix("www.") for d in rules.link_deny_domains}
        bad = sorted(h for h in found if _within(h, denied))
        if bad:
            return Outcome(
                "hold",
                "Comments with links to some sites are reviewed before they appear.",
                "denied domain: " + ", ".join(bad),
            )
        threshold = rules.links_new_commenter_threshold
        if not threshold or candidate.facts.prior_published >= threshold:
            return None
        allowed = {d.lower().removeprefix("www.") for d in rules.link_allow_domains}
        allowed |= self.site_domains.get(ctx.site_id, set())
        foreign = sorted(h for h in found if not _within(h, allowed))
        if not foreign:
            return None
        return Outcome(
            "hold",
            "Links from new commenters are reviewed before they appear.",
            f"links to {', '.join(foreign)} from a reader with "
            f"{candidate.facts.prior_published} published comments",
        )
