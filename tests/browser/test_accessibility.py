"""Accessible pages, checked in the suite (issue 14): axe-core runs in Debian's chromium over every page
a crawl reaches from each role's home, in English and in French, and any serious or critical
violation fails the test with its rule, page and element.

The crawl follows same-origin links only (GET), never a sign-out, a download or the other language's
help centre, and checks one page per URL pattern (numbers are ids: one ticket page stands for all;
a query changes only the rows), each pattern once per language: a role checks its own home and what
the roles before it did not reach, up to a cap, so the run stays short on a two-core machine.
axe-core comes from `axe-playwright-python` (Deque's axe.min.js, packaged), injected into each page
by Playwright; the page's CSP does not apply to it.
"""
import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from tests.live import demo_server, sign_in

pytestmark = pytest.mark.browser

MAX_PAGES_PER_ROLE = 16
BLOCKING = {"serious", "critical"}
# Paths whose GET is not a page to check: leaving the session, downloads, JSON, the API.
SKIPPED = re.compile(r"/(signout|logout)\b|\.csv\b|/export|/api/|/attachments/|/poll\b|/state\b|/suggest\b"
                     r"|/static/|/theme\.css|\.json\b")
# (role, demo account, home path below the brand; {locale} for the help centre)
ROLES = [
    ("signed out", None, "/acme/hc/{locale}/"),
    ("end user", "user@example.com", "/acme/hc/{locale}/"),
    ("light agent", "light@example.com", "/acme/agent/"),
    ("agent", "agent@example.com", "/acme/agent/"),
    ("admin", "admin@example.com", "/acme/admin/"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Its own demo server: the crawl sets people's language preference."""
    with demo_server(tmp_path_factory.mktemp("a11y")) as served:
        yield served


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def pattern(url: str) -> str:
    """One page per kind: ids become N, a query (a view, a tab, a page) shows the same template, and
    another brand's page is the same page in its colours (its home stands for it)."""
    path = re.sub(r"/\d+(?=/|$)", "/N", urlsplit(url).path)
    return path if re.fullmatch(r"/[^/]+/hc/[a-z]{2}/", path) else re.sub(r"^/[^/]+/", "/B/", path)


def links(page, origin: str, locale: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    other_language = re.compile(rf"/hc/(?!{locale}/)[a-z]{{2}}/")
    found = []
    for href in hrefs:
        href = href.split("#", 1)[0]
        path = urlsplit(href).path
        if href.startswith(origin + "/") and not SKIPPED.search(path) and not other_language.search(path):
            found.append(href)
    return found


def crawl(page, axe, origin: str, start: str, locale: str, checked: set) -> tuple[list[tuple], list[tuple]]:
    """([(page, its language)], [(impact, rule, page, target)]) for the serious and critical violations.
    `checked` holds the patterns of the pages checked before (by other roles), and gets this crawl's;
    the role's home is always checked, and a link is followed once per pattern."""
    queue, queued, visited, problems = deque([origin + start]), {pattern(origin + start)}, [], []
    while queue and len(visited) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        response = page.goto(url)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        if pattern(page.url) in checked and url != origin + start:
            continue  # a redirect to a page already checked (the brand's root, a sign-in)
        checked.add(pattern(page.url))
        parts = urlsplit(page.url)
        here = parts.path + (f"?{parts.query}" if parts.query else "")
        visited.append((here, page.get_attribute("html", "lang")))
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in BLOCKING:
                problems += [(violation["impact"], violation["id"], here, " ".join(map(str, node["target"])))
                             for node in violation["nodes"]]
        for href in links(page, origin, locale):
            if pattern(href) not in queued and pattern(href) not in checked:
                queued.add(pattern(href))
                queue.append(href)
    return visited, problems


def set_preference(app, email: str, locale: str) -> None:
    with app.app_context():
        db.session.scalar(select(User).where(User.email == email)).locale = locale
        db.session.commit()


def report(problems) -> str:
    per_rule = Counter((impact, rule) for impact, rule, _page, _target in problems)
    lines = [f"{count:4d} {impact:8s} {rule}" for (impact, rule), count in per_rule.most_common()]
    first = {}
    for impact, rule, where, target in problems:
        first.setdefault((rule, where), (impact, target))
    lines += [f"{rule} ({impact}) on {where}: {target}" for (rule, where), (impact, target) in first.items()]
    targets = Counter((rule, target) for _impact, rule, _where, target in problems)
    lines += [f"{count:4d} x {rule}: {target}" for (rule, target), count in targets.most_common()]
    return "\n".join(lines)


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_no_serious_or_critical_violation_on_the_pages_each_role_reaches(site, browser, axe, locale):
    app, base, _port = site
    checked, visited, problems = set(), {}, []
    for role, email, home in ROLES:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            if email:
                set_preference(app, email, locale)
                sign_in(page, base, email, locale)
            visited[role], found = crawl(page, axe, base, home.format(locale=locale), locale, checked)
        finally:
            context.close()
        assert visited[role] and all(lang == locale for _here, lang in visited[role]), (role, visited[role])
        problems += [(impact, rule, f"{where} ({role})", target) for impact, rule, where, target in found]
    total = sum(map(len, visited.values()))
    print(f"{locale}: {total} pages", {role: [here for here, _lang in pages] for role, pages in visited.items()})
    assert not problems, f"{locale}: {len(problems)} serious or critical nodes on {total} pages\n" + report(problems)


# Tables scroll sideways only on a narrow screen: there, axe sees the scrollable regions.
PHONE_PAGES = {"agent@example.com": ["/acme/agent/", "/acme/agent/interactions", "/acme/hc/en/profile"],
               "admin@example.com": ["/acme/admin/audit", "/acme/admin/mail", "/acme/admin/members"]}


def test_no_serious_or_critical_violation_at_phone_width(site, browser, axe):
    app, base, _port = site
    problems = []
    for email, paths in PHONE_PAGES.items():
        set_preference(app, email, "en")
        context = browser.new_context(viewport={"width": 390, "height": 844})
        page = context.new_page()
        try:
            sign_in(page, base, email)
            for path in paths:
                page.goto(base + path)
                problems += [(v["impact"], v["id"], path, " ".join(map(str, node["target"])))
                             for v in axe.run(page).response["violations"] if v["impact"] in BLOCKING
                             for node in v["nodes"]]
        finally:
            context.close()
    assert not problems, report(problems)


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_a_refused_form_focuses_its_error_summary_whose_links_lead_to_the_fields(site, page, axe, locale):
    _app, base, _port = site
    page.goto(f"{base}/acme/hc/{locale}/signin")
    page.fill("input[name=email]", "not-an-address")
    page.click("form:has(input[name=password]) [type=submit]")  # novalidate: the server answers
    page.wait_for_load_state()
    assert page.title().startswith("Error:" if locale == "en" else "Erreur")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.locator("#error-summary a[href='#password']").click()
    assert page.evaluate("document.activeElement.id") == "password"
    assert page.get_attribute("#password", "aria-invalid") == "true"
    assert page.input_value("#email") == "not-an-address"
    problems = [v["id"] for v in axe.run(page).response["violations"] if v["impact"] in BLOCKING]
    assert not problems


def test_the_colour_picker_warns_when_white_text_would_not_read(site, page):
    app, base, _port = site
    set_preference(app, "admin@example.com", "en")
    sign_in(page, base, "admin@example.com")
    page.goto(f"{base}/acme/admin/settings")
    warning = page.locator("#setting-colour-contrast .alert-warning")
    assert warning.count() == 0
    page.fill("#setting-colour", "#ffc107")
    assert "1.63:1" in warning.inner_text()
    page.fill("#setting-colour", "#6f42c1")
    assert warning.count() == 0
