"""A corpus of XSS payloads posted as comments (and as a display name) renders inert."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from browser.support import LiveServer, open_story

W = "rejoinder-comments"

PAYLOADS = (
    "<script>alert('xss-1')</script>",
    "<img src=x onerror=alert('xss-2')>",
    "<svg onload=alert('xss-3')>",
    "<iframe src=\"javascript:alert('xss-4')\"></iframe>",
    "[click me](javascript:alert('xss-5'))",
    "[click me](JaVaScRiPt:alert('xss-6'))",
    "<a href=\"javascript:alert('xss-7')\">link</a>",
    "<details open ontoggle=alert('xss-8')>",
    "<body onload=alert('xss-9')>",
    "\"><script>alert('xss-10')</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-11')>",
    "<style>@import 'javascript:alert(12)';</style>",
    "<div style=\"background:url(javascript:alert('xss-13'))\">x</div>",
    "<object data=\"javascript:alert('xss-14')\"></object>",
    "<embed src=\"javascript:alert('xss-15')\">",
    "<form><button formaction=javascript:alert('xss-16')>go</button></form>",
    "<input autofocus onfocus=alert('xss-17')>",
    "`<script>alert('xss-18')</script>`",
    "**<img src=x onerror=alert('xss-19')>**",
    "> <svg><animate onbegin=alert('xss-20') attributeName=x dur=1s>",
    "<a href=\"&#106;avascript:alert('xss-21')\">entity</a>",
    '<img src="x" onerror="&#97;lert(\'xss-22\')">',
    "<noscript><p title=\"</noscript><img src=x onerror=alert('xss-23')>\">",
    "<template><script>alert('xss-24')</script></template>",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert('xss-25')\">",
)

CHECK = """() => {
  const root = document.querySelector('rejoinder-comments').shadowRoot;
  const bad = [];
  for (const el of root.querySelectorAll('.rj-comments *')) {
    const tag = el.tagName.toLowerCase();
    if (['script', 'iframe', 'object', 'embed', 'svg', 'math', 'style', 'form', 'input',
         'meta', 'template', 'img', 'details', 'button', 'link', 'base'].includes(tag)
        && !el.closest('.rj-actions, .rj-slot')) bad.push(tag);
    for (const attr of el.attributes) {
      const bad_attr = /^on/i.test(attr.name) || /^\\s*javascript:/i.test(attr.value);
      if (bad_attr) bad.push(tag + '@' + attr.name);
    }
  }
  return bad;
}"""


def test_xss_payloads_render_inert(page: Page, live_server: LiveServer) -> None:
    story = live_server.story()
    author = live_server.reader(display_name="Mallory Tester")
    for payload in PAYLOADS:
        live_server.comment(author, story, payload)
    open_story(page, live_server, story, reader=live_server.reader())
    # ...and one typed into the composer and shown in the preview, then posted.
    composer = page.locator(f"{W} .rj-composer-new")
    composer.locator("textarea").fill("<img src=x onerror=alert('xss-live')> **bold**")
    composer.get_by_role("button", name="Preview").click()
    expect(composer.locator(".rj-preview strong")).to_have_text("bold")
    assert composer.locator(".rj-preview img").count() == 0
    composer.get_by_role("button", name="Back to writing").click()
    composer.get_by_role("button", name="Post comment").click()
    # The first page's 20 plus the new one (counting 20 here only held while the post was
    # still on its way).
    expect(page.locator(f"{W} [role=status]")).to_have_text("Your comment was posted.")
    expect(page.locator(f"{W} .rj-comments > li > .rj-comment")).to_have_count(21)
    expect(page.locator(f"{W} .rj-comments > li > .rj-comment").first).to_contain_text("bold")
    page.locator(f"{W} .rj-more button").click()
    expect(page.locator(f"{W} .rj-comments > li > .rj-comment")).to_have_count(len(PAYLOADS) + 1)
    page.wait_for_timeout(300)  # let any injected handler fire (none should)
    assert page.evaluate(CHECK) == []
    assert page.evaluate("() => document.querySelectorAll('script:not([src])').length") == 1
    # The page fixture fails the test if any dialog opened or any script error happened.
