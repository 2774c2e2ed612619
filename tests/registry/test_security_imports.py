"""Issue 12, M10, M11 and the duplicate-header finding: every CSV import refuses what the database
would store wrongly (SQLite) or crash on (PostgreSQL), with a message naming file, line and column,
and writes nothing."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from maatwerk.core.csvfiles import ImportFileError
from maatwerk.finance.decks import parse_deck
from maatwerk.finance.models import PriceDeck
from maatwerk.programme.imports import import_milestones
from maatwerk.programme.models import Milestone
from maatwerk.registry.mapping import load_company_mapping
from maatwerk.registry.models import Company, EmissionRecord, ImportRun, Installation, Operator
from maatwerk.registry.services import import_eutl_files

from .factories import eutl_bytes, header, row

MAPPING_HEADER = "company,sector,country,account_holder,installation\n"


def registry_state():
    return (
        sorted(Company.objects.values_list("name", "slug")),
        sorted(Operator.objects.values_list("country", "name", "company_id")),
        sorted(Installation.objects.values_list("eutl_id", "name", "activity_code", "city", "company_id")),
        sorted(EmissionRecord.objects.values_list("installation__eutl_id", "year", "verified_emissions_t", "compliance_code")),
        ImportRun.objects.count(),
    )


def import_one(tmp_path, data: bytes, name="bad.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return import_eutl_files([path], user="test")


# --- M10: the company mapping and slugs -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["!!!", "---", "…", "日本製鉄"])
def test_m10_company_name_without_a_slug_is_refused(client, name):
    before = registry_state()
    data = (MAPPING_HEADER + "Goed B.V.,industry,NL,Goed,\n" + f"{name},industry,NL,Holder X,\n").encode()
    with pytest.raises(ImportFileError) as info:
        load_company_mapping(data, "koppeling.csv")
    assert str(info.value).startswith("koppeling.csv, regel 3, kolom company: ")
    assert "slug" in str(info.value)
    assert registry_state() == before
    assert client.get(reverse("registry:companies")).status_code == 200


@pytest.mark.django_db
def test_m10_colliding_slugs_get_a_number_not_an_integrity_error(client):
    Company.objects.create(name="Foo B.V.", sector="industry")
    data = (MAPPING_HEADER + "Foo BV,industry,NL,Holder 1,\n" + "foo b v,industry,NL,Holder 2,\n").encode()
    report = load_company_mapping(data, "koppeling.csv")
    assert report.companies_created == 2
    slugs = dict(Company.objects.values_list("name", "slug"))
    assert slugs == {"Foo B.V.": "foo-bv", "Foo BV": "foo-bv-2", "foo b v": "foo-b-v"}
    assert client.get(reverse("registry:companies")).status_code == 200
    for slug in slugs.values():
        page = client.get(reverse("registry:company", args=[slug]))
        assert page.status_code == 200


@pytest.mark.django_db
def test_m10_a_company_saved_without_slug_never_gets_an_empty_one():
    first = Company.objects.create(name="!!!", sector="industry")
    second = Company.objects.create(name="???", sector="industry")
    long_name = "a" * 200
    third = Company.objects.create(name=long_name, sector="industry")
    fourth = Company.objects.create(name=long_name.upper(), sector="industry")
    assert (first.slug, second.slug) == ("bedrijf", "bedrijf-2")
    assert third.slug == long_name and fourth.slug == long_name[:198] + "-2"
    assert len(fourth.slug) <= 200


@pytest.mark.django_db
def test_m10_mapping_refuses_too_long_names_and_bad_installation_ids():
    before = registry_state()
    for line, column in [
        (("x" * 201) + ",industry,NL,Holder,", "company"),
        ("X,industry,NL," + "h" * 301 + ",", "account_holder"),
        ("X,industry,NL,,NL/1", "installation"),
        ("X,industry,ÑL,Holder,", "country"),
    ]:
        with pytest.raises(ImportFileError, match=f"m.csv, regel 2, kolom {column}: "):
            load_company_mapping((MAPPING_HEADER + line + "\n").encode(), "m.csv")
    assert registry_state() == before


@pytest.mark.django_db(transaction=True)
def test_m10_an_empty_slug_already_in_the_database_is_repaired_and_pages_do_not_fail(client):
    """A database that an older release filled with an empty slug: the migration gives it one."""
    executor = MigrationExecutor(connection)
    # every app's latest migration: going back to registry 0001 also unapplies what depends on the
    # registry (finance's dispensation-rights entries), and the next tests need those tables again
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("registry", "0001_initial")])
        old = MigrationExecutor(connection).loader.project_state([("registry", "0001_initial")]).apps
        OldCompany = old.get_model("registry", "Company")
        OldCompany.objects.create(name="!!!", slug="", sector="industry")
        OldCompany.objects.create(name="Bedrijf", slug="bedrijf", sector="industry")
        MigrationExecutor(connection).migrate(leaves)
    finally:
        MigrationExecutor(connection).migrate(leaves)
    assert dict(Company.objects.values_list("name", "slug")) == {"!!!": "bedrijf-2", "Bedrijf": "bedrijf"}
    assert client.get(reverse("registry:companies")).status_code == 200
    assert client.get(reverse("registry:company", args=["bedrijf-2"])).status_code == 200


# --- M11: the EUTL import ---------------------------------------------------------------------------

BAD_FIGURES = ["1e20", "9" * 20, "１２３", "1_000", "nan", "inf", "1e3", "0x10", "12345678901", "٣"]


@pytest.mark.django_db
@pytest.mark.parametrize("figure", BAD_FIGURES)
def test_m11_figures_are_read_strictly(tmp_path, figure):
    import_one(tmp_path, eutl_bytes([row("NL-5", figures={2020: ("5", "5", "A")})]), "earlier.csv")
    before = registry_state()
    data = eutl_bytes([row("NL-1", figures={2020: ("10", "1", "A")}), row("NL-2", figures={2021: (figure, "1", "A")})])
    with pytest.raises(ImportFileError) as info:
        import_one(tmp_path, data)
    assert (info.value.file_name, info.value.line, info.value.column) == ("bad.csv", 3, "VerifiedEmissions_2021")
    assert str(info.value).startswith("bad.csv, regel 3, kolom VerifiedEmissions_2021: ")
    assert registry_state() == before


@pytest.mark.django_db
def test_m11_command_says_where_a_huge_figure_is_not_a_traceback(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(eutl_bytes([row("NL-1", figures={2022: ("1", "1e20", "A")})]))
    with pytest.raises(CommandError, match=r"bad.csv, regel 2, kolom FreeAllocations_2022: .*\n.*niets opgeslagen"):
        call_command("import_eutl", str(path), "--no-progress")
    assert Installation.objects.count() == 0 and ImportRun.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "changes,column",
    [
        ({"InstallationNameOrAircraftOperatorCode": "x" * 100_000}, "InstallationNameOrAircraftOperatorCode"),
        ({"AccountHolderName": "h" * 301}, "AccountHolderName"),
        ({"City": "c" * 201}, "City"),
        ({"ZipCode": "1" * 41}, "ZipCode"),
        ({"InstallationNameOrAircraftOperatorCode": "Naam\x00met nul"}, "InstallationNameOrAircraftOperatorCode"),
        ({"City": "Rotter\x1b[2Jdam"}, "City"),
        ({"AccountHolderName": "Regel\neen"}, "AccountHolderName"),
        ({"MainActivityTypeCode": "70000"}, "MainActivityTypeCode"),
        ({"MainActivityTypeCode": "15"}, "MainActivityTypeCode"),
        ({"MainActivityTypeCode": "２０"}, "MainActivityTypeCode"),
        ({"FirstYearOfEmissions": "２００５"}, "FirstYearOfEmissions"),
        ({"FirstYearOfEmissions": "99999"}, "FirstYearOfEmissions"),
        ({"ComplianceCode_2020": "ABCDEFGHIJKLMNOP"}, "ComplianceCode_2020"),
        ({"ComplianceCode_2020": "Q"}, "ComplianceCode_2020"),
        ({"NationalAdministratorCode": "N\x00"}, "NationalAdministratorCode"),
        ({"NationalAdministratorCode": "NLD"}, "NationalAdministratorCode"),
        ({"id": "NL/1"}, "id"),
        ({"id": "NL-" + "1" * 50}, "id"),
    ],
)
def test_m11_text_codes_and_years_are_checked(tmp_path, changes, column):
    before = registry_state()
    bad = row("NL-2", figures={2020: ("10", "1", "A")})
    bad.update(changes)
    with pytest.raises(ImportFileError) as info:
        import_one(tmp_path, eutl_bytes([row("NL-1"), bad]))
    assert (info.value.line, info.value.column) == (3, column), str(info.value)
    assert registry_state() == before


@pytest.mark.django_db
def test_m11_what_the_registry_really_writes_is_still_read(tmp_path):
    good = row("NL-9", activity="10", figures={2020: ("1000.0", "0", "A*"), 2021: ("7", "Excluded", "-*"), 2022: ("NA", "5", "E")})
    good["ZipCode"] = "3770-954 - OLIVEIRA DO BAIRRO"  # 29 characters, from the Portuguese registry
    import_one(tmp_path, eutl_bytes([good]), "good.csv")
    inst = Installation.objects.get()
    assert (inst.activity_code, inst.zip_code) == (10, "3770-954 - OLIVEIRA DO BAIRRO")
    figures = sorted(EmissionRecord.objects.values_list("year", "verified_emissions_t", "free_allocation_t", "compliance_code"))
    assert figures == [(2020, 1000, 0, "A*"), (2021, 7, None, "-*"), (2022, None, 5, "E")]


@pytest.mark.django_db
def test_m11_a_year_column_must_be_written_in_plain_digits_and_plausible(tmp_path):
    columns = header((2020,)) + ["VerifiedEmissions_0001"]
    data = eutl_bytes([row("NL-1", years=(2020,))], years=(2020,), columns=columns)
    with pytest.raises(ImportFileError, match="bad.csv, regel 1, kolom VerifiedEmissions_0001"):
        import_one(tmp_path, data)


# --- duplicate header columns, per import ------------------------------------------------------------


@pytest.mark.django_db
def test_duplicate_header_columns_refused_eutl(tmp_path):
    columns = header() + [" city"]
    data = eutl_bytes([row("NL-1")], columns=columns)
    with pytest.raises(ImportFileError, match=r"bad.csv, regel 1, kolom city: kolom 'City' en ' city' staat twee keer"):
        import_one(tmp_path, data)
    assert Installation.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_header_columns_refused_mapping():
    data = (MAPPING_HEADER.strip() + ",Company\nX,industry,NL,Holder,,Y\n").encode()
    with pytest.raises(ImportFileError, match=r"m.csv, regel 1, kolom Company: kolom 'company' en 'Company' staat twee keer"):
        load_company_mapping(data, "m.csv")
    assert Company.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_header_columns_refused_price_deck():
    data = b"scenario,year,gas_eur_per_mwh,electricity_eur_per_mwh,ets_eur_per_t,hydrogen_eur_per_kg,co2_ts_eur_per_t,year\ncentral,2030,30,60,80,4,50,2031\n"
    with pytest.raises(ImportFileError, match=r"d.csv, regel 1, kolom year: kolom 'year' staat twee keer"):
        parse_deck(data, "d.csv")


def test_duplicate_header_columns_refused_milestones(demo):
    before = list(Milestone.objects.values_list("pk", "planned", "forecast"))
    data = b"company,project,kind,planned,forecast,actual,note,PLANNED \nNobian,,fid,2024-12-19,,,,2030-01-01\n"
    with pytest.raises(ImportFileError, match=r"m.csv, regel 1, kolom PLANNED: kolom 'planned' en 'PLANNED ' staat twee keer"):
        import_milestones(data, "m.csv")
    assert list(Milestone.objects.values_list("pk", "planned", "forecast")) == before


# --- the same class in the other imports: price decks and milestones --------------------------------

DECK_HEADER = "scenario,year,gas_eur_per_mwh,electricity_eur_per_mwh,ets_eur_per_t,hydrogen_eur_per_kg,co2_ts_eur_per_t,source\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "line,column",
    [
        ("central,2030,1e2,60,80,4,50,x", "gas_eur_per_mwh"),
        ("central,2030,1_0,60,80,4,50,x", "gas_eur_per_mwh"),
        ("central,2030,３０,60,80,4,50,x", "gas_eur_per_mwh"),
        ("central,2030,nan,60,80,4,50,x", "gas_eur_per_mwh"),
        ("central,2030,30,-inf,80,4,50,x", "electricity_eur_per_mwh"),
        ("central,2030,30,60,80,4," + "9" * 400 + ",x", "co2_ts_eur_per_t"),
        ("central,２０３０,30,60,80,4,50,x", "year"),
        ("central,2_030,30,60,80,4,50,x", "year"),
        ("central," + "9" * 25 + ",30,60,80,4,50,x", "year"),
        ("c" * 41 + ",2030,30,60,80,4,50,x", "scenario"),
        ("cen\x00tral,2030,30,60,80,4,50,x", "scenario"),
        ("central,2030,30,60,80,4,50,bron\x00", "source"),
    ],
)
def test_price_deck_numbers_and_text_are_read_strictly(line, column):
    before = PriceDeck.objects.count()
    with pytest.raises(ImportFileError) as info:
        parse_deck((DECK_HEADER + line + "\n").encode(), "deck.csv")
    assert (info.value.line, info.value.column) == (2, column), str(info.value)
    assert PriceDeck.objects.count() == before


def test_price_deck_still_reads_decimal_commas_and_negative_prices():
    rows = parse_deck((DECK_HEADER + 'central,2030,"30,5",-12.25,80,4,.5,x\n').encode(), "deck.csv")
    assert (rows[0]["gas_eur_per_mwh"], rows[0]["electricity_eur_per_mwh"], rows[0]["co2_ts_eur_per_t"]) == (30.5, -12.25, 0.5)


MILESTONE_HEADER = "company,project,kind,planned,forecast,actual,note\n"


@pytest.mark.parametrize(
    "line,column",
    [
        ("Nobian,,fid,20241219,,,", "planned"),
        ("Nobian,,fid,2024-W51-4,,,", "planned"),
        ("Nob\x00ian,,fid,2024-12-19,,,", "company"),
        ("Nobian,,fid,2024-12-19,,,note\x00", "note"),
        ("Nobian,,fid,2024-12-19,,," + "n" * 10_001, "note"),
    ],
)
def test_milestone_dates_and_text_are_read_strictly(demo, line, column):
    before = list(Milestone.objects.values_list("pk", "planned", "forecast", "note"))
    with pytest.raises(ImportFileError) as info:
        import_milestones((MILESTONE_HEADER + line + "\n").encode(), "m.csv")
    assert (info.value.line, info.value.column) == (2, column), str(info.value)
    assert list(Milestone.objects.values_list("pk", "planned", "forecast", "note")) == before


def test_milestone_note_may_span_lines(demo):
    import_milestones((MILESTONE_HEADER + 'Nobian,,fid,2024-12-19,,,"Besluit\ngenomen"\n').encode(), "m.csv")
    assert Milestone.objects.get(project__trajectory__company__name="Nobian", kind="fid").note == "Besluit\ngenomen"


# --- the same class on the import commands' other inputs ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["d" * 101, "AFRY\x00", "AFRY\n2025"])
def test_price_deck_name_is_checked_before_the_database(name):
    from maatwerk.finance.decks import import_deck

    with pytest.raises(ImportFileError, match="deck.csv, kolom naam: "):
        import_deck((DECK_HEADER + "central,2030,30,60,80,4,50,x\n").encode(), "deck.csv", name)
    assert PriceDeck.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("user", ["u" * 151, "jan\x00"])
def test_m11_import_user_is_checked_before_the_database(tmp_path, user):
    path = tmp_path / "good.csv"
    path.write_bytes(eutl_bytes([row("NL-1")]))
    with pytest.raises(ImportFileError, match="good.csv, kolom gebruiker: "):
        import_eutl_files([path], user=user)
    assert ImportRun.objects.count() == Installation.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("eutl_id", ["NL/1", "NL 1", "nl-1", "NL-1\n"])
def test_m11_an_eutl_id_entered_by_hand_must_fit_its_url(eutl_id):
    from django.core.exceptions import ValidationError

    operator = Operator.objects.create(name="Holder", country="NL")
    with pytest.raises(ValidationError, match="LL-nummer"):
        Installation(eutl_id=eutl_id, country="NL", name="X", operator=operator).full_clean()
