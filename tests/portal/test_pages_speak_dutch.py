"""Rendered pages show Dutch labels, one date style and Dutch numbers, never the stored codes (issue 15, point 3).

Only the visible text counts: tags, attribute values (option values, links, ``title``/``value`` of
``<data>``) and ``<code>`` (commands shown to the reader) are skipped.  So are the input forms
(``<form method="post">``): their labels and help texts are the forms' own work (issue 15 point 4;
the outlook's JSON overrides become rows per phase there); the GET filters stay checked.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from maatwerk.engine import workflow
from maatwerk.finance.models import Project, Technique
from maatwerk.registry.models import Company, Installation
from maatwerk.trajectories.models import DocumentType

from ..helpers import trajectory

#: every code of the phase, document-type and technique vocabularies
CODES = sorted(set(workflow.PHASE_CODES) | set(DocumentType.values) | set(Technique.values) - {""})
CODE_WORD = re.compile(r"(?<![\w-])(" + "|".join(re.escape(c) for c in CODES) + r")(?![\w-])")
MONTH_ABBREVIATION = re.compile(
    r"\b\d{1,2} (Jan|Feb|Mar|Mrt|Apr|May|Mei|Jun|Jul|Aug|Sep|Oct|Okt|Nov|Dec)\b\.? \d{4}\b"
)
CAPITALISED_MONTH = re.compile(
    r"\b\d{1,2} (Januari|Februari|Maart|April|Mei|Juni|Juli|Augustus|September|Oktober|November|December) \d{4}\b"
)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
UNPADDED_DATE = re.compile(r"\b(\d-\d{1,2}|\d{1,2}-\d)-\d{4}\b")
ENGLISH_DECIMAL = re.compile(r"(?<![\w.,])\d+\.\d{1,2}(?![\d.])|(?<![\w.,])\d+\.\d{4,}(?!\d)")
FRACTION_AS_PERCENT = re.compile(r"\b0,\d{3,}\b")


class VisibleText(HTMLParser):
    SKIP = {"script", "style", "code", "template", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.depth: dict[str, int] = {}
        self.in_post_form = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth[tag] = self.depth.get(tag, 0) + 1
        elif tag == "form":  # forms do not nest
            self.in_post_form = (dict(attrs).get("method") or "").lower() == "post"

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.depth.get(tag):
            self.depth[tag] -= 1
        elif tag == "form":
            self.in_post_form = False

    def handle_data(self, data):
        if not self.in_post_form and not any(self.depth.values()):
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def pages() -> dict[str, str]:
    anqore = trajectory("AnQore")
    project = Project.objects.filter(trajectory=anqore).first()
    company = Company.objects.filter(in_programme=True).exclude(slug="").first()
    installation = Installation.objects.exclude(activity_code=None).first()
    return {
        "portal home": reverse("portal:home"),
        "documents": reverse("portal:documents"),
        "public company page": reverse("portal:company", args=[anqore.company.slug]),
        "trajectory board": reverse("trajectories:board"),
        "trajectory detail": reverse("trajectories:detail", args=[anqore.pk]),
        "project list": reverse("finance:projects"),
        "project page": reverse("finance:project", args=[project.pk]),
        "dashboard": reverse("programme:dashboard"),
        "monitoring": reverse("programme:monitoring"),
        "registry company": reverse("registry:company", args=[company.slug]),
        "installation": reverse("registry:installation", args=[installation.eutl_id]),
        "progress letter": reverse("reporting:letter"),
    }


@pytest.fixture
def rendered(users, client):
    client.force_login(users["programme"])
    out = {}
    for name, url in pages().items():
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        out[name] = visible_text(response.content.decode())
    return out


def _hits(pattern, texts):
    found = {}
    for name, text in texts.items():
        hits = sorted({m.group(0) for m in pattern.finditer(text)})
        if hits:
            found[name] = hits
    return found


def test_pages_show_no_raw_phase_document_type_or_technique_code(rendered):
    assert _hits(CODE_WORD, rendered) == {}


def test_pages_show_no_month_abbreviation_or_capitalised_month(rendered):
    assert _hits(MONTH_ABBREVIATION, rendered) == {}
    assert _hits(CAPITALISED_MONTH, rendered) == {}


def test_pages_show_no_iso_or_unpadded_dates(rendered):
    assert _hits(ISO_DATE, rendered) == {}
    assert _hits(UNPADDED_DATE, rendered) == {}


def test_pages_show_no_english_decimals_or_fractions_for_percentages(rendered):
    without_licence = {name: text.replace("CC BY 4.0", "") for name, text in rendered.items()}  # a licence's name
    assert _hits(ENGLISH_DECIMAL, without_licence) == {}
    assert _hits(FRACTION_AS_PERCENT, rendered) == {}


def test_money_shows_short_with_the_exact_amount_on_hover(users, client):
    client.force_login(users["programme"])
    text = visible_text(client.get(reverse("portal:home")).content.decode())
    # the total of the register's maxima keeps its qualifier ("ten hoogste")
    assert re.search(r"Maximale steun van de Staat (ten hoogste )?€ \d+(,\d)? (mln|mld)", text), text[:600]
    # a single amount on an internal page: short, with the exact amount on hover
    project = Project.objects.filter(support_max_eur__gte=1e6).first()
    html = client.get(reverse("finance:project", args=[project.pk])).content.decode()
    assert re.search(r'<data class="money" value="\d+" title="€ \d{1,3}(\.\d{3})+">€ \d+(,\d)? (mln|mld)</data>', html)


def test_eutl_activity_is_shown_in_dutch(users, client):
    installation = Installation.objects.filter(activity_code=20).first()
    assert installation is not None and "Combustion" in installation.activity_label
    text = visible_text(client.get(reverse("registry:installation", args=[installation.eutl_id])).content.decode())
    assert "Verbranding van brandstoffen" in text
    assert "Combustion" not in text


def test_outlook_names_scenarios_and_the_source_of_probabilities_in_dutch(rendered):
    dashboard = rendered["dashboard"]
    assert "Laplace" not in dashboard and "historie" not in dashboard
    assert "uit de eigen geschiedenis van het programma" in dashboard
    assert not re.search(r"\bp(10|50|90)\b", dashboard)
    assert "mediaan" in dashboard


@pytest.mark.parametrize("role", ["company_a", "amvi", "province", "anonymous"])
def test_other_roles_see_no_raw_codes_or_foreign_dates_either(role, users, client):
    if role != "anonymous":
        client.force_login(users[role])
    seen = {}
    for name, url in pages().items():
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            seen[name] = visible_text(response.content.decode())
    assert "portal home" in seen and len(seen) >= 4, sorted(seen)
    for pattern in (CODE_WORD, MONTH_ABBREVIATION, CAPITALISED_MONTH, ISO_DATE, UNPADDED_DATE, FRACTION_AS_PERCENT):
        assert _hits(pattern, seen) == {}, pattern.pattern
