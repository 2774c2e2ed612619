"""The progress letter as a Kamerbrief (issue 14): its content, its three formats, drafts and sent letters."""

import datetime as dt
import hashlib
import io
import re
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from maatwerk.figures import services as figures
from maatwerk.finance.models import Project
from maatwerk.reporting import formats, letter, services
from maatwerk.reporting.models import Letter
from maatwerk.trajectories import services as trajectories
from maatwerk.trajectories.models import Document, Trajectory

AS_OF = dt.date(2025, 6, 30)
needs_poppler = pytest.mark.skipif(not (shutil.which("pdftotext") and shutil.which("pdfinfo")), reason="poppler-utils is not installed")


def _pdf_text(path, *args) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


@needs_poppler
def test_the_letter_of_30_june_2025_is_a_tagged_kamerbrief_of_three_pages_or_more(demo, tmp_path):
    out = tmp_path / "brief.pdf"
    call_command("report", "progress", "--as-of", AS_OF.isoformat(), "--kenmerk", "MVI/2025-2", "--out", str(out))
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    assert int(re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1)) >= 3
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    embedded = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert embedded and all("Noto-Sans" in line and " yes " in line for line in embedded)  # only the open typeface, embedded
    text = " ".join(_pdf_text(out).split())
    for needed in ("Aan de Voorzitter van de Tweede Kamer der Staten-Generaal", "Ons kenmerk", "MVI/2025-2", "De minister van Klimaat en Groene Groei",
                   "Geachte Voorzitter", "Nobian", "Royal Cosun", "AnQore", "2030", "Bijlage 1", "Bronnen"):
        assert needed in text, needed
    assert "DOMAIN.md" not in text and ".md" not in text  # sources are public documents, never internal files
    layout = _pdf_text(out, "-layout")
    shell = next(line for line in layout.splitlines() if line.strip().startswith("Shell Nederland"))
    assert "telt niet mee" in shell and "Mt" not in shell  # withdrawn: its 3.9 Mt ambition counts nowhere
    assert re.search(r"Additioneel per jaar", layout) and " 0 kt" not in layout  # unknown is "onbekend", never 0


def _published_register_sum(as_of, phases) -> float:
    """The lower ends of the CO2 figures published for projects of companies in ``phases`` on ``as_of``,
    straight from the Figure table (not through the letter's code)."""
    from maatwerk.figures.models import Figure
    from maatwerk.portal.public import public_phase

    held: dict[int, Figure] = {}
    for f in Figure.objects.filter(
        state="published", confidentiality="public", source__published=True, quantity="co2_reduction_t_per_year",
        valid_from__lte=as_of, published_on__lte=as_of, project__isnull=False,
    ).order_by("valid_from", "recorded_at", "pk"):
        held[f.project_id] = f
    total = 0.0
    for project_id, f in held.items():
        t = Project.objects.get(pk=project_id).trajectory
        if public_phase(t, as_of).code in phases:
            total += 0.0 if f.qualifier == "at_most" else f.low
    return total


def test_no_withdrawn_company_adds_to_any_total_of_the_letter(demo):
    content = letter.build(AS_OF)
    totals = next(a for a in content["annexes"] if a["title"].startswith("Bijlage 2"))
    by_phase = {row[0]: row for row in totals["rows"]}
    # the EoP ambitions without Shell's 3.9 Mt (withdrawn on 30 June 2025)
    ambition = _published_register_sum(AS_OF, {"eop_signed", "jloi_concept", "amvi_advice"})
    with_withdrawn = _published_register_sum(AS_OF, {"eop_signed", "jloi_concept", "amvi_advice", "withdrawn"})
    assert with_withdrawn - ambition >= 3.9e6  # the withdrawn ambitions (Shell's 3.9 Mt) exist in the register...
    low = by_phase["Ambitie in een EoP"][2].split("–")[0]
    assert float(low.split()[0].replace(",", ".")) * 1e6 == pytest.approx(ambition, rel=0.05)  # ...and count nowhere
    companies = {row[0]: row for row in content["annexes"][0]["rows"]}
    for name in ("Shell Nederland", "Dow Benelux", "BP"):
        assert companies[name][3:] == ["telt niet mee", "telt niet mee"]
    standing = " ".join(next(s for s in content["sections"] if s["key"] == "standing")["paragraphs"])
    assert "Hoeveel daarvan additioneel is, is nog onbekend" in standing  # no public additionality: unknown, not 0
    assert "1 tot 1,9 Mton" in standing


def test_the_narrative_tells_what_changed_per_company_with_the_kamerstuk(demo):
    texts = letter.generated_texts(dt.date(2025, 9, 30), dt.date(2025, 6, 30))
    # Tata Steel's JLoI of 29 September 2025; parliament informed in Kamerstuk 29 826 nr. 266
    assert "Met Tata Steel Nederland is op 29 september 2025 een Joint Letter of Intent (JLoI) getekend." in texts["changes"]
    assert "Kamerstuk 29 826 nr. 266" in texts["changes"]
    assert "AnQore" in texts["changes"]  # its JLoI of 8 July 2025
    # IenW is a party to Tata Steel's and AnQore's trajectories: the state secretary co-signs
    content = letter.build(dt.date(2025, 9, 30), dt.date(2025, 6, 30))
    assert [s["title"] for s in content["signatures"]] == [letter.MINISTER, letter.IENW]
    assert "mede namens de staatssecretaris van Infrastructuur en Waterstaat" in texts["intro"]


def test_kamerstuk_numbers_read_as_parliament_writes_them():
    assert letter._kamerstuk("29826-266") == "Kamerstuk 29 826 nr. 266"
    assert letter._kamerstuk("29826/32813-260") == "Kamerstukken 29 826/32 813 nr. 260"
    assert letter._kamerstuk("brief van 1 juli") == "brief van 1 juli"


def test_docx_opens_and_has_the_same_headings_as_the_html(demo):
    from docx import Document as Docx

    content = letter.build(AS_OF, meta=letter.Meta(kenmerk="MVI/2025-2"))
    doc = Docx(io.BytesIO(formats.to_docx(content)))
    docx_headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    html = formats.to_html(content)
    html_headings = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", html, re.S)]
    assert docx_headings == html_headings
    assert "Ontwikkelingen per bedrijf" in docx_headings and "Bijlage 3. Budget" in docx_headings
    body = "\n".join(p.text for p in doc.paragraphs)
    assert letter.ADDRESSEE in body and letter.MINISTER in body
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "Ons kenmerk" in cells and "MVI/2025-2" in cells and "260 kt" in cells
    assert doc.core_properties.title == content["subject"]


def test_the_same_content_gives_the_same_bytes_in_every_format(demo):
    content = letter.build(AS_OF)
    for fmt in ("pdf", "docx", "html"):
        assert services.render_letter(content, fmt) == services.render_letter(dict(content), fmt), fmt


def test_command_line_formats_and_bad_input(demo, tmp_path):
    for suffix in ("docx", "html"):
        out = tmp_path / f"brief.{suffix}"
        call_command("report", "progress", "--as-of", "2025-06-30", "--out", str(out))
        assert out.stat().st_size > 1000
    with pytest.raises(CommandError, match="JJJJ-MM-DD"):
        call_command("report", "progress", "--as-of", "30-6-2025", "--out", str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match=r"\.pdf, \.docx of \.html"):
        call_command("report", "progress", "--as-of", "2025-06-30", "--out", str(tmp_path / "brief.doc"))
    with pytest.raises(CommandError, match="moet voor --as-of"):
        call_command("report", "progress", "--as-of", "2025-06-30", "--since", "2025-07-01", "--out", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()


# --- drafts and sent letters ----------------------------------------------------------------------


def _later_edits(user):
    """Changes to the data after the letter was sent, each within its period: a new public CO2 figure for
    Cosun valid from 24 June 2025, OCI Nitrogen withdrawn on 1 May 2025 (recorded late), a project renamed."""
    cosun = Trajectory.objects.get(company__name="Royal Cosun")
    project = Project.objects.filter(trajectory=cosun).first()
    source = Document.objects.filter(trajectory=cosun, published=True, confidentiality="public").first()
    figure = figures.record_figure(company=cosun.company, project=project, quantity="co2_reduction_t_per_year", low=999_000.0, high=None,
                                   qualifier="about", source=source, valid_from=dt.date(2025, 6, 24), confidentiality="public", actor=None)
    figures.publish(figure, user, published_on=dt.date(2025, 6, 24))
    oci = Trajectory.objects.get(company__name="OCI Nitrogen")
    trajectories.transition(oci, "withdrawn", dt.date(2025, 5, 1), note="later vastgelegd")
    project.name = "Hernoemd project"
    project.save()


def test_a_sent_letter_downloads_byte_identically_after_later_edits_to_the_data(users, client):
    draft = services.draft_letter(AS_OF, actor=users["programme"], kenmerk="MVI/2025-2")
    client.force_login(users["programme"])
    response = client.post(reverse("reporting:letter_send", args=[draft.pk]), {"sent_on": "2025-07-01", "kamerstuk": "29826-270", "kenmerk": "MVI/2025-2", "version": draft.version})
    assert response.status_code == 302
    sent = Letter.objects.get(pk=draft.pk)
    other = services.draft_letter(AS_OF)
    before = {fmt: client.get(reverse("reporting:sent_letter_file", args=[sent.pk, fmt])).content for fmt in ("pdf", "docx", "html")}
    draft_before = services.letter_content(other)
    _later_edits(users["programme"])
    assert services.letter_content(other) != draft_before  # a draft follows the data: the edits matter...
    client.logout()
    for fmt in ("pdf", "docx", "html"):
        again = client.get(reverse("reporting:sent_letter_file", args=[sent.pk, fmt])).content  # ...a sent letter does not
        assert again == before[fmt], fmt
        assert hashlib.sha256(again).hexdigest() == getattr(sent, f"{fmt}_sha256"), fmt
    assert letter.digest(Letter.objects.get(pk=sent.pk).content) == sent.content_sha256
    page = client.get(reverse("reporting:sent_letter", args=[sent.pk])).content.decode()
    assert sent.pdf_sha256 in page and "Kamerstuk 29 826 nr. 270" in page


def test_a_sent_letter_keeps_the_figures_as_they_were_known_when_it_was_sent(users):
    """Re-deriving the figures as known at the moment of sending (known_at) gives the stored figures, though
    a figure valid before the letter's date was published afterwards."""
    draft = services.draft_letter(AS_OF)
    sent = services.send_letter(draft, sent_on=dt.date(2025, 7, 1), kamerstuk="29826-270", kenmerk="MVI/2025-2", actor=users["programme"], expected_version=0)
    _later_edits(users["programme"])
    now = services.letter_context(AS_OF)
    then = services.letter_context(AS_OF, known_at=sent.sent_at)
    cosun_now = next(c for c in now["companies"] if c["name"] == "Royal Cosun")["projects"][0]["co2_reduction_t_text"]
    cosun_then = next(c for c in then["companies"] if c["name"] == "Royal Cosun")["projects"][0]["co2_reduction_t_text"]
    assert (cosun_then, cosun_now) == ("260 kt", "ca. 999 kt")
    stored = {row[0]: row for row in sent.content["annexes"][0]["rows"]}
    assert stored["Royal Cosun"][3] == "260 kt"


def test_drafts_are_for_the_programme_team_and_sent_letters_are_public(users, client):
    draft = services.draft_letter(AS_OF)
    for url in (reverse("reporting:letter_edit", args=[draft.pk]), reverse("reporting:letter_file", args=[draft.pk, "pdf"]),
                reverse("reporting:letter") + "?op=2025-06-30&format=pdf", reverse("reporting:index")):
        response = client.get(url)
        assert response.status_code == 302 and "/inloggen/" in response["Location"], url
    assert client.get(reverse("reporting:sent_letter", args=[draft.pk])).status_code == 404
    assert client.get(reverse("reporting:sent_letter_file", args=[draft.pk, "pdf"])).status_code == 404
    client.force_login(users["company_a"])
    assert client.get(reverse("reporting:letter_edit", args=[draft.pk])).status_code == 403


def test_editing_a_draft_keeps_the_text_and_a_sent_letter_refuses_changes(users, client):
    client.force_login(users["programme"])
    draft = services.draft_letter(AS_OF)
    form = {"subject": "Voortgang maatwerk", "kenmerk": "MVI/2025-2", "minister_name": "", "ienw_name": "",
            "text_intro": "Eerste alinea.\n\nTweede alinea.", "text_changes": "", "text_standing": "", "text_budget": "", "text_closing": "",
            "version": draft.version}
    assert client.post(reverse("reporting:letter_edit", args=[draft.pk]), form).status_code == 302
    content = services.letter_content(Letter.objects.get(pk=draft.pk))
    intro = next(s for s in content["sections"] if s["key"] == "intro")["paragraphs"]
    assert intro == ["Eerste alinea.", "Tweede alinea."]
    changes = next(s for s in content["sections"] if s["key"] == "changes")["paragraphs"]
    assert any("Royal Cosun" in p for p in changes)  # an emptied section falls back to the generated text
    stale = client.post(reverse("reporting:letter_edit", args=[draft.pk]), {**form, "text_intro": "Andere tekst."})  # version 0 again
    assert stale.status_code == 409 and "Andere tekst." in stale.content.decode()
    bad = client.post(reverse("reporting:letter_send", args=[draft.pk]), {"sent_on": "2025-07-01", "kamerstuk": "nummer 5", "kenmerk": "", "version": 1})
    assert bad.status_code == 422 and "29826-270" in bad.content.decode() and "nummer 5" in bad.content.decode()  # the input is kept
    early = client.post(reverse("reporting:letter_send", args=[draft.pk]), {"sent_on": "2025-06-01", "kamerstuk": "29826-270", "kenmerk": "MVI/2025-2", "version": 1})
    assert early.status_code == 409 and not Letter.objects.get(pk=draft.pk).is_sent
    assert client.post(reverse("reporting:letter_send", args=[draft.pk]), {"sent_on": "2025-07-01", "kamerstuk": "29826-270", "kenmerk": "MVI/2025-2", "version": 1}).status_code == 302
    sent = Letter.objects.get(pk=draft.pk)
    refused = client.post(reverse("reporting:letter_edit", args=[draft.pk]), {**form, "version": sent.version})
    assert refused.status_code == 409
    again = client.post(reverse("reporting:letter_send", args=[draft.pk]), {"sent_on": "2025-07-02", "kamerstuk": "29826-271", "kenmerk": "X", "version": sent.version})
    assert again.status_code == 409
    assert Letter.objects.get(pk=draft.pk).content == sent.content and Letter.objects.get(pk=draft.pk).kamerstuk == "29826-270"


def test_the_rapportage_page_is_in_the_menu_and_creates_a_draft(users, client):
    client.force_login(users["programme"])
    start = client.get(reverse("reporting:index")).content.decode()
    assert 'href="/rapportage/"' in start and "Concept opstellen" in start
    bad = client.post(reverse("reporting:letter_new"), {"as_of": "2025-06-30", "since": "2025-07-01"})
    assert bad.status_code == 422 and "moet voor de stand" in bad.content.decode() and Letter.objects.count() == 0
    typo = client.post(reverse("reporting:letter_new"), {"as_of": "0202-06-30"})  # a mistyped year
    assert typo.status_code == 422 and "is het jaartal goed getypt" in typo.content.decode() and Letter.objects.count() == 0
    response = client.post(reverse("reporting:letter_new"), {"as_of": "2025-06-30", "kenmerk": "MVI/2025-2"})
    created = Letter.objects.get()
    assert response["Location"] == reverse("reporting:letter_edit", args=[created.pk])
    assert created.since == dt.date(2024, 12, 30) and "Royal Cosun" in created.text_changes
    edit = client.get(response["Location"]).content.decode()
    assert "Tekst bewerken" in edit and "Aan de Voorzitter van de Tweede Kamer" in edit


def test_a_budget_without_public_entries_says_so_instead_of_printing_zero(demo):
    from maatwerk.programme.models import BudgetEntry

    assert not BudgetEntry.objects.filter(document__published=True).exists()  # the demo records no public budget entry
    content = letter.build(AS_OF)
    rows = next(a for a in content["annexes"] if a["title"] == "Bijlage 3. Budget")["rows"]
    climate = next(r for r in rows if r[0].startswith("Klimaatfonds"))
    assert climate[1] == "€ 3.000.000.000" and climate[2:5] == ["niets vastgelegd"] * 3
    budget = " ".join(next(s for s in content["sections"] if s["key"] == "budget")["paragraphs"])
    assert "nog geen reservering of toezegging vastgelegd" in budget and "€ 0" not in budget


def test_the_standing_against_the_goal_is_a_range():
    """Agreed additional reduction of 0.5–0.8 Mt against a goal of 1–1.9 Mt: at worst 0.5/1.9, at best 0.8/1.0."""
    from maatwerk.engine.ranges import Value

    assert letter._share_of_goal(Value(500_000, 800_000, "range")) == f"{round(100 * 0.5 / 1.9)}% tot {round(100 * 0.8 / 1.0)}%"
    assert letter._share_of_goal(Value(600_000, None, "at_least")) == f"ten minste {round(100 * 0.6 / 1.9)}%"
    assert letter._share_of_goal(None) == ""
