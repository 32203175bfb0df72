"""The public website in a real browser: what a resident using a keyboard, a screen reader or
a small phone meets.

Debian's Chromium, driven by Playwright (one browser for the session, ``browser`` in
conftest.py), with axe-core (axe-playwright-python) as the accessibility referee: every type
of page of both bodies, and the HTML agenda pack, has no axe violation; a skip link leads to
the one main landmark; headings go down one level at a time; tables have captions and header
scope; charts say in words what they show; at 320 and 640 CSS pixels wide nothing scrolls
sideways except inside a table's own container; a focused link is outlined; search works
from a file on disk and asks nothing of any other site.

Where the browser cannot run, these tests are skipped with one line saying why (in CI they
fail instead).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import browser_problem, browser_unavailable

# Its module fixtures are built once: every test of this module runs on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_site_browser")

if (_problem := browser_problem()) is not None:
    browser_unavailable(_problem, module=True)  # one line for the whole file

#: Every type of page of both bodies (see built_sites in conftest.py).
PAGE_TYPES = [("charnwood", t) for t in ("home", "meetings", "year", "meeting-held", "meeting-scheduled",
                                         "meeting-cancelled", "actions", "programme", "psa-index", "psa",
                                         "performance", "partners", "partner", "accessibility", "search")] + \
             [("county", t) for t in ("home", "meeting-held", "meeting-scheduled", "paper", "performance")]

AXE_OPTIONS = {"resultTypes": ["violations"],
               # axe would fetch the stylesheets itself, which the pages' security policy refuses
               "preload": False,
               # wcag2a/aa and 2.1/2.2 success criteria, and axe's best practices (landmarks, headings)
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                                     "best-practice"]}}


@pytest.fixture(scope="module")
def page(browser):
    """One tab for the module; it fails a test on any console error (a CSP refusal is one)."""
    context = browser.new_context(viewport={"width": 1024, "height": 800}, java_script_enabled=True)
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    yield tab
    context.close()


def open_page(tab, path: Path, query: str = "") -> None:
    tab.errors.clear()
    tab.goto(path.as_uri() + query)


def axe_violations(tab) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(tab, options=AXE_OPTIONS)
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['html'][:160]}" for v in result.response["violations"]]


@pytest.mark.parametrize("body, kind", PAGE_TYPES, ids=[f"{b}-{k}" for b, k in PAGE_TYPES])
def test_every_type_of_page_has_no_axe_violation(built_sites, page, body, kind):
    site = built_sites[body]
    open_page(page, site.folder / site.pages[kind], "?q=anti-social+behaviour" if kind == "search" else "")
    assert page.errors == [], page.errors  # no resource refused by the security policy, no script error
    assert axe_violations(page) == []


@pytest.mark.parametrize("body", ["charnwood", "county"])
def test_the_html_agenda_pack_has_no_axe_violation(rendered, page, body):
    """The pack as ``cspkit render pack --format html`` writes it (the ``rendered`` fixture)."""
    open_page(page, rendered[body] / f"{'2023-10-12' if body == 'charnwood' else '2024-03-22'}-agenda-pack.html")
    assert axe_violations(page) == []


# --------------------------------------------------------------------------- structure

STRUCTURE = r"""() => {
  const problems = [];
  const main = document.querySelectorAll('main');
  if (main.length !== 1) problems.push(`${main.length} main landmarks`);
  for (const sel of ['header.site-header', 'footer.site-footer', 'nav[aria-label="Main"]']) {
    if (document.querySelectorAll(sel).length !== 1) problems.push(`not one ${sel}`);
  }
  const first = document.querySelector('a[href], button, input, [tabindex]');
  if (!first || !first.classList.contains('skip-link') || first.getAttribute('href') !== '#main')
    problems.push('the first thing to focus is not the skip link');
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => +h.tagName[1]);
  if (headings.filter(l => l === 1).length !== 1) problems.push('not one h1');
  if (headings[0] !== 1 && headings.indexOf(1) > 0) problems.push('a heading before the h1');
  headings.forEach((level, i) => { if (i && level > headings[i - 1] + 1) problems.push(`h${headings[i - 1]} then h${level}`); });
  for (const table of document.querySelectorAll('table.data-table')) {
    if (!table.querySelector('caption') || !table.querySelector('caption').textContent.trim())
      problems.push('a table without a caption');
  }
  for (const th of document.querySelectorAll('th')) {
    if (!['col', 'row', 'colgroup', 'rowgroup'].includes(th.getAttribute('scope'))) problems.push('a th without scope');
  }
  for (const wrap of document.querySelectorAll('.table-wrap')) {
    if (wrap.getAttribute('tabindex') !== '0' || !wrap.getAttribute('role')) problems.push('a table container not focusable');
  }
  for (const img of document.querySelectorAll('img')) {
    if (!img.getAttribute('alt') || img.getAttribute('alt').length < 20) problems.push(`an image without a text alternative: ${img.src}`);
    if (!img.closest('figure') || !img.closest('figure').querySelector('figcaption')) problems.push('an image without a caption');
  }
  return problems;
}"""


def typed_pages(built_sites) -> list[tuple[str, Path]]:
    """One page of every type of both sites (meetings held, scheduled and cancelled among them)."""
    return [(f"{site.name}/{rel}", site.folder / rel) for site in built_sites.values() for rel in site.pages.values()]


def test_every_page_has_landmarks_a_skip_link_ordered_headings_and_described_tables(built_sites, page):
    problems = []
    for name, path in typed_pages(built_sites):
        open_page(page, path)
        problems += [f"{name}: {p}" for p in page.evaluate(STRUCTURE)]
    assert problems == []


def test_the_skip_link_is_first_and_takes_the_keyboard_to_the_main_content(built_sites, page):
    open_page(page, built_sites["charnwood"].folder / "meetings/2023-07-13.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    assert page.evaluate("document.activeElement.getBoundingClientRect().width") > 0  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")  # the next stop is inside the main content, past the navigation
    assert page.evaluate("!!document.activeElement.closest('main')")


def test_a_focused_link_has_a_visible_outline(built_sites, page):
    open_page(page, built_sites["charnwood"].folder / "index.html")
    for _ in range(3):  # the skip link, the partnership's name, the first navigation link
        page.keyboard.press("Tab")
        style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
            return {tag: document.activeElement.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                    colour: s.outlineColor, background: s.backgroundColor}; }""")
        assert style["tag"] == "A"
        assert style["style"] == "solid" and style["width"] >= 2, style
        assert style["colour"] != style["background"], style


#: What sticks out past the right of a screen ``width`` wide (inside a table's container is fine).
OVERFLOW = """(width) => {
  const out = [];
  if (document.documentElement.scrollWidth > width) out.push(`the page is ${document.documentElement.scrollWidth}px wide`);
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.table-wrap') || el.closest('.visually-hidden') || el.classList.contains('skip-link')) continue;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(r.right)}px`);
  }
  return out.slice(0, 3);
}"""


@pytest.mark.parametrize("width", [320, 640])
def test_nothing_scrolls_sideways_on_a_narrow_screen(built_sites, browser, width, tmp_path):
    """WCAG 1.4.10 reflow: at 320 (and 640) CSS px nothing is wider than the screen, except
    tables, which scroll inside their own container. A full-page screenshot (a meeting at 320,
    the performance page at 640) is as wide as the screen (kept in $SITE_SCREENSHOTS if set)."""
    context = browser.new_context(viewport={"width": width, "height": 700})
    tab = context.new_page()
    shots = Path(os.environ.get("SITE_SCREENSHOTS") or tmp_path)
    wide = []
    try:
        for name, path in typed_pages(built_sites):
            tab.goto(path.as_uri())
            wide += [f"{name}: {o}" for o in tab.evaluate(OVERFLOW, width)]
        # a full-page screenshot costs a second: one page per width, the longest of each body
        shot = {320: ("charnwood", "meetings/2023-07-13.html"), 640: ("county", "performance/index.html")}[width]
        for name, rel in (shot,):
            tab.goto((built_sites[name].folder / rel).as_uri())
            png = tab.screenshot(full_page=True, path=str(shots / f"{name}-{rel.replace('/', '-')}-{width}.png"))
            assert int.from_bytes(png[16:20], "big") == width  # the PNG's width, from its header
    finally:
        context.close()
    assert wide == []


def test_search_works_from_a_file_and_asks_no_other_site(built_sites, browser):
    site = built_sites["charnwood"]
    context = browser.new_context()
    tab = context.new_page()
    requests: list[str] = []
    errors: list[str] = []
    tab.on("request", lambda r: requests.append(r.url))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        tab.goto((site.folder / "search.html").as_uri())
        tab.fill("#q", "water rescue")
        tab.press("#q", "Enter")
        tab.wait_for_selector("#results-heading")
        heading = tab.text_content("#results-heading")
        links = tab.eval_on_selector_all(".results a", "links => links.map(a => a.getAttribute('href'))")
        assert heading.endswith("for \u201cwater rescue\u201d") and "meetings/2023-07-13.html" in links
        tab.click(".results a[href='meetings/2023-07-13.html']")
        assert tab.title().startswith("Meeting on Thursday, 13 July 2023")
        tab.goto((site.folder / "search.html").as_uri() + "?q=zzzznothing")
        assert tab.text_content("#results-heading") == "No results for \u201czzzznothing\u201d"
    finally:
        context.close()
    assert errors == []
    assert requests and all(url.startswith("file://") for url in requests), [u for u in requests if not u.startswith("file://")]
