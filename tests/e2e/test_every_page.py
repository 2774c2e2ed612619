"""Every page, every role, a phone and a desktop: no horizontal scroll, no WCAG 2.1 A/AA violation, no raw codes.

The pages are those of the route x role matrix that answer a role with an HTML page (200). Each is
opened in Debian's chromium at 390 px and at 1280 px wide (and at 768 px for the width alone). It
must not be wider than the viewport,
axe-core must report no WCAG 2.1 A or AA violation, and no visible text may be a raw code of the
phase, document-type or technique vocabularies (a code marked up as `<code>`, as in the open-data
dictionary, is meant). A screenshot of each lands in the folder the test
prints at the end (for people to look at, not for pixel comparison).

The walk does not depend on the database, so it runs in the SQLite pass of ``make test`` only.
"""

import os
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from maatwerk.engine import workflow
from maatwerk.finance.models import Technique
from maatwerk.trajectories.models import DocumentType

from ..portal.test_route_role_matrix import ROLES, ids, matrix  # noqa: F401 (ids is a fixture)
from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.bypass_csp, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (390, 768, 1280)
CHECKED_IN_FULL = (390, 1280)  # axe and screenshots; at 768 px (a tablet) the width alone
SHOTS = Path(os.environ.get("MAATWERK_SCREENSHOTS", Path(__file__).resolve().parents[2] / "var" / "screenshots"))

CODES = sorted({p.code for p in workflow.PHASES} | set(DocumentType.values) | set(Technique.values), key=len, reverse=True)
RAW_CODE = re.compile(r"(?<![\w/.-])(" + "|".join(re.escape(c) for c in CODES) + r")(?![\w/.-])")


def html_pages_for(role, users, ids) -> list[str]:  # noqa: F811
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
    urls = []
    for case in matrix():
        if case.method != "GET" or case.route.startswith(("GET /api", "api-1:", "public-api-1:")) or case.route == "logout":
            continue
        url = case.url(ids)
        response = client.get(url)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            urls.append(url)
    return urls


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:2]}" for v in result["violations"]]


TEXT_OUTSIDE_CODE = """() => {
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('code, kbd, samp, script, style, template')) continue;  // a code shown as code is meant
    if (el.checkVisibility && !el.checkVisibility() && !el.closest('.visually-hidden')) continue;
    parts.push(node.textContent);
  }
  return parts.join(' ');
}"""


def raw_codes(page) -> list[str]:
    """Codes of the vocabularies in the text a person reads or hears (text marked up as code excepted)."""
    return sorted(set(RAW_CODE.findall(page.evaluate(TEXT_OUTSIDE_CODE))))


def test_every_page_for_every_role_fits_passes_axe_and_speaks_dutch(browser, live_server, users, ids, capsys):  # noqa: F811
    if connection.vendor != "sqlite":
        pytest.skip("the page walk does not depend on the database: it runs in the SQLite pass")
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci, run by make install)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems, visited = [], 0
    for role in ROLES:
        urls = html_pages_for(role, users, ids)
        assert urls, f"{role} can open no page at all"
        for width in WIDTHS:
            context = browser.new_context(base_url=live_server.url, locale="nl-NL", bypass_csp=True,
                                          viewport={"width": width, "height": 900})
            page = context.new_page()
            page.set_default_timeout(15_000)
            if role != "anonymous":
                login(page, Client(), users[role], live_server.url)
            for url in urls:
                page.goto(url)
                visited += 1
                where = f"{role} {width}px {url}"
                overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 1:
                    problems.append(f"{where}: {overflow}px wider than the viewport")
                if width not in CHECKED_IN_FULL:
                    continue
                for found in axe_violations(page):
                    problems.append(f"{where}: axe {found}")
                codes = raw_codes(page)
                if codes:
                    problems.append(f"{where}: raw codes in visible text {codes}")
                name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
                page.screenshot(path=str(SHOTS / f"{role}-{width}-{name}.png"), full_page=True)
            context.close()
    with capsys.disabled():
        print(f"\n{visited} pages visited; screenshots in {SHOTS}")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:80])
