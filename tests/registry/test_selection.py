"""Ranking rules on small hand-made data, the mapping loader, the demo data and the pages."""


import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from maatwerk.registry.eutl import ImportFileError
from maatwerk.registry.mapping import load_company_mapping
from maatwerk.registry.models import Company, EmissionRecord, Installation, Operator
from maatwerk.registry.selectors import rank_emitters
from maatwerk.registry.services import import_eutl_files

from .factories import eutl_bytes, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(tmp_path):
    rows = [
        row("NL-1", "Steel B.V.", activity="24", figures={2022: ("500", "400", "A")}),
        row("NL-2", "Steel B.V.", activity="20", figures={2022: ("300", "0", "A")}),
        row("NL-3", "Power B.V.", activity="20", figures={2022: ("700", "0", "A")}),
        row("NL-4", "Airline", activity="10", figures={2022: ("9999", "0", "A")}),
        row("NL-5", "Site B.V.", activity="42", figures={2022: ("Not Reported", "10", "C")}),
    ]
    path = tmp_path / "small.csv"
    path.write_bytes(eutl_bytes(rows))
    import_eutl_files([path])
    return path


def test_grouping_and_aviation(small):
    by_inst = rank_emitters(2022, "NL", by="installation", top=None)
    assert [(r.eutl_id, r.verified_emissions_t) for r in by_inst] == [("NL-3", 700), ("NL-1", 500), ("NL-2", 300)]
    by_holder = rank_emitters(2022, "NL", by="account-holder", top=None)
    assert [(r.name, r.verified_emissions_t, r.installations) for r in by_holder] == [
        ("Steel B.V.", 800, 2),
        ("Power B.V.", 700, 1),
    ]
    assert rank_emitters(2022, "NL", by="account-holder", top=1)[0].name == "Steel B.V."
    assert rank_emitters(2021, "NL") == []


def test_installation_mapping_overrides_the_account_holder(small, tmp_path):
    mapping = (
        b"company,sector,country,account_holder,installation\n"
        b"Steel Co,industry,NL,Steel B.V.,\n"
        b"Power Co,power,NL,Power B.V.,\n"
        b"Power Co,,NL,,NL-2\n"
    )
    report = load_company_mapping(mapping, "m.csv")
    assert report.companies_created == 2 and report.installations_mapped == 1
    ranking = rank_emitters(2022, "NL", by="company", top=None)
    assert [(r.name, r.verified_emissions_t, r.installations) for r in ranking] == [
        ("Power Co", 1000, 2),
        ("Steel Co", 500, 1),
    ]
    industry = rank_emitters(2022, "NL", by="company", top=None, sector="industry")
    assert [(r.name, r.verified_emissions_t) for r in industry] == [("Steel Co", 500)]


def test_unmapped_combustion_counts_as_other_and_process_as_industry(small):
    industry = rank_emitters(2022, "NL", by="installation", top=None, sector="industry")
    assert [r.eutl_id for r in industry] == ["NL-1"]
    other = rank_emitters(2022, "NL", by="installation", top=None, sector="other")
    assert {r.eutl_id for r in other} == {"NL-2", "NL-3"}


@pytest.mark.parametrize(
    "args,message",
    [
        (["--by", "plant"], "invalid choice"),
        (["--country", "NLD"], "twee letters"),
        (["--top", "0"], "top moet minstens 1"),
        (["--sector", "farming"], "invalid choice"),
    ],
)
def test_emitters_command_refuses_bad_arguments(small, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("emitters", "--year", "2022", *args)


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "leeg"),
        ("company,sector\nX,industry\n", "ontbreken: country, account_holder, installation"),
        ("company,sector,country,account_holder,installation\n,industry,NL,A,\n", "regel 2, kolom company"),
        ("company,sector,country,account_holder,installation\nX,industry,NL,A,NL-1\n", "precies één"),
        ("company,sector,country,account_holder,installation\nX,farming,NL,A,\n", "onbekende sector 'farming'"),
        ("company,sector,country,account_holder,installation\nX,,NL,A,\n", "nieuw bedrijf zonder sector"),
        ("company,sector,country,account_holder,installation\nX,industry,NLD,A,\n", "geen landcode"),
        (
            "company,sector,country,account_holder,installation\nX,industry,NL,A,\nY,industry,NL,B\n",
            "regel 3: aantal velden",
        ),
    ],
)
def test_mapping_bad_input_changes_nothing(small, text, message):
    before = (Company.objects.count(), list(Operator.objects.values_list("company_id", flat=True)))
    with pytest.raises(ImportFileError, match=message):
        load_company_mapping(text.encode(), "m.csv")
    assert (Company.objects.count(), list(Operator.objects.values_list("company_id", flat=True))) == before


def test_load_demo_is_idempotent_and_offline(settings):
    call_command("load_demo")
    counts = (Company.objects.count(), Installation.objects.count(), EmissionRecord.objects.count())
    tata = Company.objects.get(slug="tata-steel-nederland")
    record = EmissionRecord.objects.get(installation__eutl_id="NL-144", year=2022)
    assert record.verified_emissions_t == 5822618  # EUTL, installations-NL.csv, VerifiedEmissions_2022
    assert record.source.startswith("European Commission, EU Transaction Log")
    assert tata.trajectory.admission_kind == "top20"  # admitted as one of the top-20, from its case file
    call_command("load_demo")
    assert (Company.objects.count(), Installation.objects.count(), EmissionRecord.objects.count()) == counts
    extensions = set(Company.objects.exclude(extension_reason="").values_list("name", flat=True))
    assert {"Royal Cosun", "Alco Energy Rotterdam", "FrieslandCampina"} <= extensions


def test_pages_render_with_demo_data(client):
    call_command("load_demo")
    page = client.get(reverse("registry:ranking"), {"year": 2022, "sector": "industry"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tata Steel Nederland" in html and "5.822.618" in html
    company = client.get(reverse("registry:company", args=["tata-steel-nederland"]))
    assert company.status_code == 200 and "<svg" in company.content.decode() and "NL-144" in company.content.decode()
    inst = client.get(reverse("registry:installation", args=["NL-144"]))
    assert inst.status_code == 200 and "5.822.618" in inst.content.decode()
    assert client.get(reverse("registry:companies")).status_code == 200
    assert client.get(reverse("registry:company", args=["nope"])).status_code == 404


def test_ranking_page_exports_and_validates(client):
    call_command("load_demo")
    data = client.get(reverse("registry:ranking"), {"year": 2022, "by": "installation", "top": 3, "format": "json"}).json()
    assert [d["id"] for d in data] == ["NL-144", "NL-205957", "NL-99"]  # Tata, RWE Eemshaven, Shell Pernis (EUTL 2022)
    csv_response = client.get(reverse("registry:ranking"), {"year": 2022, "top": 3, "format": "csv"})
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.decode().splitlines()[0].startswith("rank,name,verified_emissions_t,installations")
    bad = client.get(reverse("registry:ranking"), {"year": 1800, "top": "x"})
    assert bad.status_code == 200 and "Controleer de filters" in bad.content.decode()
