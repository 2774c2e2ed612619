"""What must hold for case files (issue 13): from an empty database with only the EU ETS registry, an
Alco-like case with undated and bounded events and ranged figures imports; ``maatwerk trajectories
--as-of D`` shows its phase on each date; re-importing changes nothing; a broken file names the JSON
path of each error and writes nothing."""

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from maatwerk.casefiles import importer
from maatwerk.casefiles.exporter import export_case, normalise
from maatwerk.casefiles.format import CaseFileInvalid
from maatwerk.figures.models import Figure
from maatwerk.figures.selectors import current
from maatwerk.finance.models import Project
from maatwerk.registry.models import Company, ImportRun, Installation
from maatwerk.trajectories.models import Document, Event, Party, Trajectory

from .cases import alco_like

NAME = "Alco-achtig Ethanol"


def write(tmp_path, case, name="alco.json"):
    path = tmp_path / name
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    return path


def import_file(path, user="t-inlezer", **kwargs):
    out = io.StringIO()
    call_command("import_case", str(path), user=user, stdout=out, **kwargs)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in (Company, Trajectory, Document, Event, Party, Project, Figure, ImportRun)}


def phase_on(day: str) -> dict:
    out = io.StringIO()
    call_command("trajectories", as_of=day, format="json", stdout=out)
    return {row["company"]: row for row in json.loads(out.getvalue())}[NAME]


@pytest.fixture
def imported(registry_only, programme_user, tmp_path):
    path = write(tmp_path, alco_like())
    output = import_file(path)
    return path, output


def test_the_case_imports_into_a_database_with_only_the_registry(imported):
    path, output = imported
    company = Company.objects.get(name=NAME)
    assert company.in_programme and company.trajectory.admission_kind == "extension"
    # the installation of the registry is linked to the new company
    assert Installation.objects.get(eutl_id="NL-9001").effective_company == company
    assert Installation.objects.get(eutl_id="NL-9002").effective_company is None
    docs = {d.case_key: d for d in company.trajectory.documents.all()}
    assert set(docs) == {"P24", "P25", "J", "BC"}
    assert (docs["P24"].document_date, docs["P24"].date_precision) == (dt.date(2024, 3, 1), "month")
    assert docs["J"].is_public and not docs["BC"].is_public and docs["BC"].confidentiality == "confidential"
    figures = {f.quantity: f for f in Figure.objects.filter(company=company)}
    co2 = figures["co2_reduction_t_per_year"]
    assert (co2.low, co2.high, co2.qualifier, co2.year, co2.base_period) == (224000, 263000, "range", 2030, "2021")
    assert co2.state == "published" and co2.published_by.username == "t-inlezer" and co2.recorded_by.username == "t-inlezer"
    assert figures["gas_reduction_m3_per_year"].state == "draft"  # not marked published in the file
    assert "gebeurtenissen" in output and "cijfers" in output
    run = ImportRun.objects.get(kind="case")
    assert run.user == "t-inlezer" and run.file_name == "alco.json"


@pytest.mark.parametrize("day, phase, since", [
    ("2025-06-29", "exploration", None),   # the EoP is known only to have happened by 30 June 2025
    ("2025-06-30", "eop_signed", None),    # ... so it counts from that day, its day unknown
    ("2026-03-09", "eop_signed", None),
    ("2026-03-10", "amvi_advice", None),   # concept and advice: "before 11 March 2026" is the 10th at the latest
    ("2026-03-11", "jloi_signed", "2026-03-11"),
    ("2026-06-30", "jloi_signed", "2026-03-11"),
])
def test_trajectories_as_of_shows_the_phase_on_each_date(imported, day, phase, since):
    row = phase_on(day)
    assert (row["phase"], row["since"]) == (phase, since)


def test_the_gate_exceptions_are_recorded_with_who_why_and_source(imported):
    trajectory = Trajectory.objects.get(company__name=NAME)
    exceptions = trajectory.events.filter(kind="gate_exception").order_by("pk")
    assert [e.payload["to_phase"] for e in exceptions] == ["eop_signed", "jloi_concept", "amvi_advice", "jloi_signed"]
    first = exceptions[0]
    assert first.actor.username == "t-inlezer" and first.source_document.case_key == "P25"
    assert sorted(c["code"] for c in first.payload["conditions"]) == ["climate_plan", "eop_document", "willing_to_invest_in_nl"]


def test_the_portal_and_the_letter_show_its_published_range_from_its_date(imported, client):
    """As of a date the public record shows the case's figures published by then, as the source says
    them (the range, the percentage); before the JLoI nothing; the unpublished gas figure never."""

    from maatwerk.portal import public

    slug = Company.objects.get(name=NAME).slug
    assert public.projects(slug, as_of=dt.date(2026, 3, 10)) == []
    [project] = public.projects(slug, as_of=dt.date(2026, 6, 30))
    assert (project["co2_reduction_t_low"], project["co2_reduction_t_high"], project["co2_reduction_t_qualifier"]) == (224000, 263000, "range")
    assert project["co2_reduction_t_text"] == "224–263 kt" and project["reduction_pct_text"] == "65–75%"
    assert project["baseline_period"] == "2021" and project["target_year"] == 2030
    assert project["gas_m3_qualifier"] == "" and project["gas_m3_text"] == "onbekend"  # a draft in the register
    later = client.get(f"/bedrijven/{slug}/", {"op": "2026-06-30"}).content.decode()
    earlier = client.get(f"/bedrijven/{slug}/", {"op": "2026-03-10"}).content.decode()
    assert "224–263 kt" in later and "65–75%" in later and "224–263 kt" not in earlier
    assert "100 mln m³" not in later
    from maatwerk.reporting import formats, letter

    assert "224–263 kt" in formats.to_html(letter.build(dt.date(2026, 6, 30)))
    assert "224–263 kt" not in formats.to_html(letter.build(dt.date(2026, 3, 10)))


def test_reimport_changes_nothing(imported, tmp_path):
    path, _ = imported
    company = Company.objects.get(name=NAME)
    before, exported = counts(), export_case(company)
    output = import_file(path)
    assert "niets nieuw" in output
    assert counts() == before
    assert export_case(Company.objects.get(name=NAME)) == exported


def test_export_gives_the_file_back(imported):
    _, _ = imported
    assert normalise(export_case(Company.objects.get(name=NAME))) == normalise(alco_like())


def test_export_command_writes_a_file_that_imports_as_nothing_new(imported, tmp_path):
    out = tmp_path / "export.json"
    call_command("export_case", NAME, out=str(out), stdout=io.StringIO())
    before = counts()
    assert "niets nieuw" in import_file(out)
    assert counts() == before


def test_a_changed_figure_is_a_new_record_superseding_the_old(imported, tmp_path):
    case = alco_like()
    case["projects"][0]["figures"][0]["high"] = 260000
    import_file(write(tmp_path, case, "alco-2.json"))
    records = list(Figure.objects.filter(company__name=NAME, quantity="co2_reduction_t_per_year").order_by("pk"))
    assert [(f.low, f.high) for f in records] == [(224000, 263000), (224000, 260000)]
    assert records[1].supersedes_id == records[0].pk
    held = current(as_of=dt.date(2026, 6, 30), audience="internal", companies=[records[0].company_id])
    assert held[(records[0].company_id, records[0].project_id, "co2_reduction_t_per_year")].pk == records[1].pk
    # and the export shows the correction, not both
    exported = export_case(records[0].company)["projects"][0]["figures"]
    assert [f["high"] for f in exported if f["quantity"] == "co2_reduction_t_per_year"] == [260000]


def test_an_event_added_to_the_file_is_recorded_once(imported, tmp_path):
    case = alco_like()
    case["events"].append({"kind": "note", "date": "2026-04", "source": "J", "note": "Nog een feit."})
    path = write(tmp_path, case, "alco-3.json")
    import_file(path)
    before = counts()
    import_file(path)
    assert counts() == before
    assert Event.objects.filter(kind="note", trajectory__company__name=NAME).count() == 1


def _with_transition_without_exception(d):
    d["events"][0].pop("exception")


def _with_unknown_installation(d):
    d["company"]["installations"] = ["NL-123456"]


def _with_bad_quantity_range(d):
    d["projects"][0]["figures"][0]["low"] = 300000


def _with_future_event(d):
    d["events"][3]["date"] = "2099-01-01"


def _with_unneeded_exception(d):
    d["events"][3]["exception"]["gates"].append("jloi_document")


BROKEN = {
    "transition_without_exception": (_with_transition_without_exception, "$.events[0]", "klimaatplan"),
    "unknown_installation": (_with_unknown_installation, "$.company.installations", "NL-123456"),
    "range_upside_down": (_with_bad_quantity_range, "$.projects[0].figures[0].high", "kleiner dan de ondergrens"),
    "event_in_the_future": (_with_future_event, "$.events[3]", "toekomst"),
    "unneeded_exception": (_with_unneeded_exception, "$.events[3]", "Geen uitzondering nodig"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_file_names_the_path_and_writes_nothing(registry_only, programme_user, tmp_path, name):
    change, path, words = BROKEN[name]
    case = alco_like()
    change(case)
    before = counts()
    with pytest.raises(CommandError) as info:
        import_file(write(tmp_path, case))
    message = str(info.value)
    assert any(line.startswith(path) and words in line for line in message.splitlines()), message
    assert counts() == before


def test_several_errors_of_several_parts_come_at_once(registry_only, programme_user, tmp_path):
    case = alco_like()
    _with_transition_without_exception(case)
    case["sources"]["J"]["url"] = "geen-adres"
    with pytest.raises(CommandError) as info:
        import_file(write(tmp_path, case))
    lines = str(info.value).splitlines()
    assert any(line.startswith("$.sources.J.url") for line in lines), lines
    assert counts()["Company"] == 0


def test_only_the_programme_team_imports(registry_only, tmp_path):
    from maatwerk.accounts.models import Role

    from ..helpers import make_user

    make_user("t-bedrijf", Role.AMVI)
    with pytest.raises(CommandError, match="Alleen het programmateam"):
        import_file(write(tmp_path, alco_like()), user="t-bedrijf")
    assert Company.objects.count() == 0


def test_a_preview_writes_nothing_and_says_what_it_would_create(registry_only, programme_user, tmp_path):
    before = counts()
    output = import_file(write(tmp_path, alco_like()), preview=True)
    assert output.startswith("Voorbeeld") and "Bedrijf Alco-achtig Ethanol" in output
    assert counts() == before


def test_import_cases_refuses_an_actor_without_a_role(registry_only):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        importer.import_cases([("x.json", alco_like())], None)
    with pytest.raises(CaseFileInvalid):
        importer.read_files(["/nonexistent/casus.json"])
