"""Installations outside the EU ETS under the national levy (incinerators, N2O): import, rankings, pages."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from maatwerk.core.csvfiles import ImportFileError
from maatwerk.registry.mapping import load_company_mapping
from maatwerk.registry.models import Company, EmissionRecord, ImportRun, Installation, LevyKind, NeaEmission, NeaPermit, Operator
from maatwerk.registry.national import import_national_file
from maatwerk.registry.reconcile import rank_nea, reconcile
from maatwerk.registry.selectors import rank_emitters
from maatwerk.registry.services import import_eutl_files

from .factories import eutl_bytes, row

pytestmark = pytest.mark.django_db

HEADER = "installation_id,name,company,levy_kind,province,year,emissions_t,source\n"
SOURCE = "Jaarverslag 2022 van het bedrijf, p. 12 (testbestand)"


def national_csv(tmp_path, lines, name="nationaal.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def ets(tmp_path):
    """Two ETS account holders: Steel (mapped to the company 'Steel Co') and Power."""
    figures = {"NL-1": 500, "NL-2": 700, "NL-9": 9999}
    rows = [
        row("NL-1", "Steel B.V.", activity="24", figures={2022: (str(figures["NL-1"]), "400", "A")}),
        row("NL-2", "Power B.V.", activity="20", figures={2022: (str(figures["NL-2"]), "0", "A")}),
        row("NL-9", "Airline", activity="10", figures={2022: (str(figures["NL-9"]), "0", "A")}),
    ]
    path = tmp_path / "eutl.csv"
    path.write_bytes(eutl_bytes(rows))
    import_eutl_files([path])
    load_company_mapping(
        b"company,sector,country,account_holder,installation\nSteel Co,industry,NL,Steel B.V.,\n", "mapping.csv"
    )
    return figures


def snapshot():
    return (
        Installation.objects.count(),
        EmissionRecord.objects.count(),
        ImportRun.objects.count(),
        Company.objects.count(),
        Operator.objects.count(),
    )


def test_company_ranking_sums_its_ets_installation_and_its_incinerator(ets, tmp_path):
    incinerator_t = 250
    import_national_file(national_csv(tmp_path, [f"NL-NAT-1,AVI Steel,Steel Co,incinerator,Noord-Holland,2022,{incinerator_t},\"{SOURCE}\""]))
    expected = ets["NL-1"] + incinerator_t  # independent: the two inputs added by hand
    ranking = {r.name: r for r in rank_emitters(2022, "NL", by="company", top=None)}
    steel = ranking["Steel Co"]
    assert (steel.verified_emissions_t, steel.installations, steel.non_ets_t, steel.ets_t) == (expected, 2, incinerator_t, ets["NL-1"])
    assert ranking["Power B.V."].non_ets_t == 0
    assert "Airline" not in ranking  # aviation stays out

    by_inst = {r.eutl_id: r for r in rank_emitters(2022, "NL", by="installation", top=None)}
    assert by_inst["NL-NAT-1"].levy_kind == LevyKind.INCINERATOR and by_inst["NL-NAT-1"].record_source == SOURCE
    assert by_inst["NL-1"].levy_kind == LevyKind.ETS and by_inst["NL-1"].record_source == ""


def test_emitters_command_adds_national_installations_for_both_sources_and_says_so(ets, tmp_path, capsys):
    import_national_file(national_csv(tmp_path, [f"NL-NAT-1,AVI Steel,Steel Co,incinerator,,2022,250,\"{SOURCE}\""]))
    # an NEa figure for Steel's ETS installation, differing from the EUTL's, so the two sources differ
    Installation.objects.filter(eutl_id="NL-1").update(permit_id="NL-200400001")
    permit = NeaPermit.objects.create(permit_id="NL-200400001", installation_name="Steel site")
    NeaEmission.objects.create(permit=permit, year=2022, emissions_t=510)
    results = {}
    for source in ("eutl", "nea"):
        call_command("emitters", "--year", "2022", "--by", "company", "--top", "20", "--source", source, "--format", "json")
        captured = capsys.readouterr()
        results[source] = {d["name"]: d for d in json.loads(captured.out)}
        assert "buiten het EU ETS" in captured.err and "--source nea en bij --source eutl" in captured.err
    assert results["eutl"]["Steel Co"]["verified_emissions_t"] == 500 + 250
    assert results["nea"]["Steel Co"]["verified_emissions_t"] == 510 + 250
    assert results["nea"]["Steel Co"]["non_ets_t"] == results["eutl"]["Steel Co"]["non_ets_t"] == 250

    call_command("emitters", "--year", "2022", "--by", "installation", "--source", "nea", "--format", "json")
    rows = {d["id"]: d for d in json.loads(capsys.readouterr().out)}
    assert rows["NL-NAT-1"]["levy_kind"] == "incinerator" and rows["NL-NAT-1"]["record_source"] == SOURCE
    assert rows["NL-NAT-1"]["verified_emissions_t"] == 250


def test_top20_changes_when_an_incinerator_outranks_an_ets_company(tmp_path, capsys):
    figures = {f"Holder {i:02d} B.V.": 1000 * i for i in range(1, 22)}  # 21 ETS account holders
    rows = [row(f"NL-{i}", holder, activity="20", figures={2022: (str(t), "0", "A")}) for i, (holder, t) in enumerate(figures.items(), 1)]
    path = tmp_path / "eutl.csv"
    path.write_bytes(eutl_bytes(rows))
    import_eutl_files([path])

    def top20():
        call_command("emitters", "--year", "2022", "--by", "company", "--source", "eutl", "--format", "json")
        return [d["name"] for d in json.loads(capsys.readouterr().out)]

    def expected(all_figures):  # independent: sort by hand, largest first
        return [n for n, _ in sorted(all_figures.items(), key=lambda kv: -kv[1])][:20]

    before = top20()
    assert before == expected(figures) and "Holder 01 B.V." not in before and "Holder 02 B.V." in before
    import_national_file(national_csv(tmp_path, [f"NL-NAT-7,AVI Oost,Afval Oost N.V.,incinerator,Overijssel,2022,2500,\"{SOURCE}\""]))
    after = top20()
    assert after == expected({**figures, "Afval Oost N.V.": 2500})
    assert "Afval Oost N.V." in after and "Holder 02 B.V." not in after
    assert Company.objects.get(name="Afval Oost N.V.").sector == "waste"


@pytest.mark.parametrize(
    "line,column,words",
    [
        (f"NL-NAT-2,AVI X,X B.V.,avi,,2022,100,\"{SOURCE}\"", "levy_kind", "onbekende soort"),
        (f"NL-NAT-2,AVI X,X B.V.,ets,,2022,100,\"{SOURCE}\"", "levy_kind", "import_eutl"),
        (f"NL-NAT-2,AVI X,X B.V.,incinerator,,2022,12.5,\"{SOURCE}\"", "emissions_t", "geen geheel aantal ton"),
        (f"NL-NAT-2,AVI X,X B.V.,incinerator,,2022,1e6,\"{SOURCE}\"", "emissions_t", "geen geheel aantal ton"),
        (f"NL-NAT-2,AVI X,X B.V.,incinerator,,2022,-5,\"{SOURCE}\"", "emissions_t", "buiten 0"),
        (f"NL-NAT-2,AVI X,X B.V.,incinerator,,2022,,\"{SOURCE}\"", "emissions_t", "leeg"),
        ("NL-NAT-2,AVI X,X B.V.,incinerator,,2022,100,", "source", "leeg"),
        (f"NL-340,AVI X,X B.V.,incinerator,,2022,100,\"{SOURCE}\"", "installation_id", "LL-NAT-nummer"),
        (f"NL-NAT-2/x,AVI X,X B.V.,incinerator,,2022,100,\"{SOURCE}\"", "installation_id", "LL-NAT-nummer"),
        (f"NL-NAT-1,AVI Eerst,Eerst B.V.,incinerator,,2022,100,\"{SOURCE}\"", "installation_id", "twee keer"),
        (f"NL-NAT-1,Andere naam,Eerst B.V.,incinerator,,2021,100,\"{SOURCE}\"", "name", "wijkt af"),
        (f"NL-NAT-1,AVI Eerst,Eerst B.V.,n2o,,2021,100,\"{SOURCE}\"", "levy_kind", "wijkt af"),
    ],
)
def test_an_import_refusal_names_file_line_and_column_and_writes_nothing(ets, tmp_path, line, column, words):
    before = snapshot()
    path = national_csv(tmp_path, [f"NL-NAT-1,AVI Eerst,Eerst B.V.,incinerator,,2022,100,\"{SOURCE}\"", line])
    with pytest.raises(ImportFileError) as caught:
        import_national_file(path)
    message = str(caught.value)
    assert message.startswith("nationaal.csv, regel 3, kolom " + column) and words in message
    assert snapshot() == before
    with pytest.raises(CommandError, match="Er is niets opgeslagen"):
        call_command("import_national_installations", str(path))
    assert snapshot() == before


def test_import_is_idempotent_and_keeps_provenance(tmp_path):
    path = national_csv(
        tmp_path,
        [
            f"NL-NAT-1,N2O Zuid,Chemie Zuid B.V.,n2o,Limburg,2021,800,\"{SOURCE}\"",
            f"NL-NAT-1,N2O Zuid,Chemie Zuid B.V.,n2o,Limburg,2022,700,\"{SOURCE}\"",
        ],
    )
    first = import_national_file(path, user="tester")
    assert first.counts["installations_created"] == 1 and first.counts["records_created"] == 2
    assert first.companies_created == ["Chemie Zuid B.V."]
    run = ImportRun.objects.get(kind="national")
    assert run.user == "tester" and run.file_name == "nationaal.csv"
    assert set(EmissionRecord.objects.values_list("import_run", flat=True)) == {run.pk}
    again = import_national_file(path, user="tester")
    assert again.already_imported and ImportRun.objects.filter(kind="national").count() == 1
    assert EmissionRecord.objects.count() == 2

    changed = national_csv(tmp_path, ["NL-NAT-1,N2O Zuid,Chemie Zuid B.V.,n2o,Limburg,2022,650,CBS (testbron)"], name="v2.csv")
    report = import_national_file(changed)
    assert (report.counts["records_updated"], report.counts["records_unchanged"], report.counts["records_created"]) == (1, 0, 0)
    record = EmissionRecord.objects.get(installation__eutl_id="NL-NAT-1", year=2022)
    assert (record.verified_emissions_t, record.source) == (650, "CBS (testbron)")
    assert EmissionRecord.objects.get(installation__eutl_id="NL-NAT-1", year=2021).verified_emissions_t == 800
    inst = Installation.objects.get(eutl_id="NL-NAT-1")
    assert (inst.levy_kind, inst.province, inst.company.name, inst.company.sector) == ("n2o", "Limburg", "Chemie Zuid B.V.", "industry")


def test_company_page_shows_the_non_ets_installation_with_its_source(ets, tmp_path, client):
    import_national_file(national_csv(tmp_path, [f"NL-NAT-1,AVI Steel,Steel Co,incinerator,Noord-Holland,2022,250,\"{SOURCE}\""]))
    slug = Company.objects.get(name="Steel Co").slug
    html = client.get(reverse("registry:company", args=[slug])).content.decode()
    assert "NL-NAT-1" in html and "AVI Steel" in html and "NL-1" in html
    assert "afvalverbrandingsinstallatie (AVI)" in html and "buiten ETS" in html
    assert f"{SOURCE} (2022)" in html
    page = client.get(reverse("registry:installation", args=["NL-NAT-1"]))
    assert page.status_code == 200 and SOURCE in page.content.decode()

    ranking = client.get("/register/?country=NL&year=2022&by=installation").content.decode()
    assert "NL-NAT-1" in ranking and SOURCE in ranking and "buiten ETS" in ranking
    rows = client.get("/register/?country=NL&year=2022&by=company&format=json").json()
    steel = next(r for r in rows if r["name"] == "Steel Co")
    assert (steel["verified_emissions_t"], steel["non_ets_t"]) == (750, 250)


def test_reconciliation_leaves_installations_outside_the_ets_out(ets, tmp_path):
    import_national_file(national_csv(tmp_path, [f"NL-NAT-1,AVI Steel,Steel Co,incinerator,,2022,250,\"{SOURCE}\""]))
    permit = NeaPermit.objects.create(permit_id="NL-200400001", installation_name="Steel site")
    NeaEmission.objects.create(permit=permit, year=2022, emissions_t=510)
    result = reconcile(2022)
    assert "NL-NAT-1" not in {r.eutl_id for r in result.rows}
    assert result.eutl_total_t == ets["NL-1"] + ets["NL-2"]
    # the NEa ranking still counts it, with the NEa figure for no ETS permit of it
    assert {r.eutl_id: r.non_ets_t for r in rank_nea(2022, by="installation", top=None)}["NL-NAT-1"] == 250


def test_database_keeps_eutl_ids_for_ets_and_national_ids_for_the_rest(ets):
    operator = Operator.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Installation.objects.create(eutl_id="NL-NAT-5", country="NL", name="x", operator=operator)  # ETS by default
    with pytest.raises(IntegrityError), transaction.atomic():
        Installation.objects.create(eutl_id="NL-5", country="NL", name="x", operator=operator, levy_kind=LevyKind.N2O)
    Installation(eutl_id="NL-NAT-5", country="NL", name="x", operator=operator, levy_kind=LevyKind.N2O).full_clean()
