"""The registry at EU scale (issue 16, point 8): all 29 EUTL files import on SQLite and on PostgreSQL
with the counts an independent pandas reading gives; the register page lists each filter value once."""

import re

import pandas as pd
import pytest
from django.db import connection, transaction
from django.db.models import Count, Sum

from maatwerk.registry import services
from maatwerk.registry.models import EmissionRecord, ImportRun, Installation, Operator
from maatwerk.registry.services import import_eutl_files

from ..conftest import EUTL_DIR
from .factories import eutl_bytes, row

EU_FILES = sorted(EUTL_DIR.glob("installations-*.csv"))
MARKERS = {"", "NA", "Excluded", "Not Reported", "Not Calculated", "-"}


def _options(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={select_name}> on the page"
    return re.findall(r'<option value="([^"]*)"', select.group(1))


@pytest.mark.django_db
def test_register_filter_lists_each_country_and_year_once(client, tmp_path):
    """Many installations and records per country and year: the options are the distinct values, once each."""
    figures = {2020: ("100", "10", "A"), 2021: ("200", "NA", "A"), 2022: ("Excluded", "5", "A")}
    rows = [row(f"{c}-{n}", f"Holder {c}{n % 3}", figures=figures) for c in ("NL", "BE", "DE") for n in range(1, 8)]
    path = tmp_path / "installations-EU.csv"
    path.write_bytes(eutl_bytes(rows))
    import_eutl_files([path], user="t")

    html = client.get("/register/").content.decode()
    assert _options(html, "country") == ["BE", "DE", "NL"]
    # years with a verified figure (2022 has only an allocation), newest first
    assert _options(html, "year") == ["2021", "2020"]
    html = client.get("/register/?country=BE&year=2020").content.decode()
    assert _options(html, "country") == ["BE", "DE", "NL"]
    assert _options(html, "year") == ["2021", "2020"]


@pytest.mark.django_db
def test_record_values_survive_the_bulk_path_exactly(tmp_path):
    """NULL stays NULL, zero stays zero, '*' codes and the largest allowed figure arrive unchanged (COPY on PostgreSQL)."""
    big = str(10**10)
    rows = [
        row("NL-1", "A", figures={2020: (big, "0", "A*"), 2021: ("Not Reported", "7", "-*"), 2022: ("5", "NA", "")}),
        row("NL-2", "B", figures={2020: ("NA", "NA", "X")}),
    ]
    path = tmp_path / "installations-NL.csv"
    path.write_bytes(eutl_bytes(rows))
    [report] = import_eutl_files([path], user="t")
    got = sorted(
        EmissionRecord.objects.values_list(
            "installation__eutl_id", "year", "verified_emissions_t", "free_allocation_t", "compliance_code", "source", "import_run_id"
        )
    )
    run = ImportRun.objects.get().pk
    src = services.EUTL_SOURCE
    assert got == [
        ("NL-1", 2020, 10**10, 0, "A*", src, run),
        ("NL-1", 2021, None, 7, "-*", src, run),
        ("NL-1", 2022, 5, None, "", src, run),
        ("NL-2", 2020, None, None, "X", src, run),
    ]
    assert report.counts["records_created"] == 4


@pytest.mark.django_db
def test_postgresql_writes_new_rows_with_copy_not_insert_statements(tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is the PostgreSQL path; SQLite keeps bulk inserts")
    statements = []

    def spy(execute, sql, params, many, context):
        statements.append((sql, many))
        return execute(sql, params, many, context)

    path = tmp_path / "installations-NL.csv"
    path.write_bytes(eutl_bytes([row(f"NL-{n}", "A", figures={2020: ("1", "1", "A")}) for n in range(1, 50)]))
    with connection.execute_wrapper(spy):
        import_eutl_files([path], user="t")
    assert EmissionRecord.objects.count() == Installation.objects.count() == 49
    assert Operator.objects.count() == 1
    for model in (Operator, Installation, EmissionRecord):
        inserts = [sql for sql, _many in statements if sql.lstrip().upper().startswith(f'INSERT INTO "{model._meta.db_table.upper()}"')]
        assert not inserts, f"{model.__name__} rows still written with INSERT, not COPY"


@pytest.mark.django_db
def test_an_import_written_with_copy_still_raises_the_data_generation(tmp_path, django_capture_on_commit_callbacks):
    """COPY passes no execute wrapper; the import's own ORM writes make the cached figures stale on commit."""
    from maatwerk.core import datacache

    before = datacache.generation()
    path = tmp_path / "installations-NL.csv"
    path.write_bytes(eutl_bytes([row("NL-1", "A", figures={2020: ("1", "1", "A")})]))
    with django_capture_on_commit_callbacks(execute=True):
        import_eutl_files([path], user="t")
    assert datacache.generation() > before


STORED_IN = {  # EUTL column: (model, field) it is stored in
    "AccountHolderName": (Operator, "name"),
    "CompanyRegistrationNo": (Operator, "registration_no"),
    "InstallationNameOrAircraftOperatorCode": (Installation, "name"),
    "MainActivityTypeCodeLookup": (Installation, "activity_label"),
    "PermitOrPlanID": (Installation, "permit_id"),
    "Address1": (Installation, "address"),
    "ZipCode": (Installation, "zip_code"),
    "City": (Installation, "city"),
}


def test_every_text_limit_is_the_length_of_the_column_it_is_stored_in():
    from maatwerk.registry.eutl import TEXT_LIMITS

    assert set(TEXT_LIMITS) == set(STORED_IN)
    for column, (model, field) in STORED_IN.items():
        assert TEXT_LIMITS[column] == model._meta.get_field(field).max_length, column


@pytest.mark.django_db
@pytest.mark.parametrize("column", sorted(STORED_IN))
def test_an_oversized_value_names_file_line_and_column_and_writes_nothing(tmp_path, column):
    model, field = STORED_IN[column]
    limit = model._meta.get_field(field).max_length
    good = row("NL-1", "A", figures={2020: ("1", "1", "A")})
    bad = row("NL-2", "B", figures={2020: ("1", "1", "A")}) | {column: "x" * (limit + 1)}
    path = tmp_path / "installations-NL.csv"
    path.write_bytes(eutl_bytes([good, bad]))
    with pytest.raises(services.ImportFileError) as caught:
        import_eutl_files([path], user="t")
    assert str(caught.value).startswith(f"installations-NL.csv, regel 3, kolom {column}: tekst van {limit + 1} tekens")
    assert not (Installation.objects.exists() or Operator.objects.exists() or ImportRun.objects.exists())


# --- the full EU set -------------------------------------------------------------------------------

def _pandas_expectations() -> dict:
    """Independent reading of the 29 files: installations per country, operators, records, emissions per year."""
    frames = [pd.read_csv(f, dtype=str, keep_default_na=False) for f in EU_FILES]
    df = pd.concat(frames, ignore_index=True)
    ids = df["id"].str.strip()
    country = df["NationalAdministratorCode"].str.strip()
    country = country.where(~country.isin(MARKERS), ids.str.split("-").str[0])
    holder = df["AccountHolderName"].str.strip()
    holder = holder.where(~holder.isin(MARKERS), "(onbekend)")
    years = sorted({int(c.split("_")[1]) for c in df.columns if c.startswith("VerifiedEmissions_")})
    records = 0
    verified_by_year = {}
    for y in years:
        cols = [c for c in (f"VerifiedEmissions_{y}", f"FreeAllocations_{y}", f"ComplianceCode_{y}") if c in df.columns]
        present = df[cols].apply(lambda s: ~s.str.strip().isin(MARKERS)).any(axis=1)
        records += int(present.sum())
        verified = pd.to_numeric(df[f"VerifiedEmissions_{y}"].str.strip().where(lambda s: ~s.isin(MARKERS)), errors="raise")
        if verified.notna().any():
            verified_by_year[y] = int(verified.sum())
    return {
        "installations_per_country": country.value_counts().sort_index().to_dict(),
        "operators": len(set(zip(country, holder))),
        "records": records,
        "verified_by_year": verified_by_year,
    }


@pytest.fixture(scope="module")
def eu_registry(django_db_setup, django_db_blocker):
    """All 29 countries imported once for this module, rolled back afterwards."""
    if len(EU_FILES) != 29:
        pytest.skip(f"the 29 EUTL files are not in {EUTL_DIR} (found {len(EU_FILES)})")
    with django_db_blocker.unblock():
        with transaction.atomic():
            reports = import_eutl_files(EU_FILES, user="test")
            yield reports
            transaction.set_rollback(True)


@pytest.mark.eutl
def test_all_29_eutl_files_import_with_the_counts_pandas_reads(eu_registry, django_db_blocker):
    want = _pandas_expectations()
    with django_db_blocker.unblock():
        per_country = dict(
            Installation.objects.order_by("country").values_list("country").annotate(n=Count("id"))
        )
        verified = dict(
            EmissionRecord.objects.filter(verified_emissions_t__isnull=False)
            .order_by("year")
            .values_list("year")
            .annotate(t=Sum("verified_emissions_t"))
        )
        assert per_country == want["installations_per_country"]
        assert Operator.objects.count() == want["operators"]
        assert EmissionRecord.objects.count() == want["records"]
        assert verified == want["verified_by_year"]
        assert ImportRun.objects.count() == 29
        assert sum(r.counts["records_created"] for r in eu_registry) == want["records"]


@pytest.mark.eutl
def test_reimporting_a_large_country_changes_nothing(eu_registry, django_db_blocker):
    with django_db_blocker.unblock():
        before = (Installation.objects.count(), Operator.objects.count(), EmissionRecord.objects.count(), ImportRun.objects.count())
        with transaction.atomic():
            [report] = import_eutl_files([EUTL_DIR / "installations-IT.csv"], user="test")
            assert report.already_imported
            assert report.counts["records_created"] == report.counts["records_updated"] == 0
            after = (Installation.objects.count(), Operator.objects.count(), EmissionRecord.objects.count(), ImportRun.objects.count())
            transaction.set_rollback(True)
    assert after == before


@pytest.mark.eutl
def test_register_page_at_eu_scale_lists_each_value_once(eu_registry, django_db_blocker, client):
    with django_db_blocker.unblock():
        countries = sorted(Installation.objects.order_by().values_list("country", flat=True).distinct())
        html = client.get("/register/?country=IT&year=2019").content.decode()
    assert len(countries) == 29
    assert _options(html, "country") == countries
    years = _options(html, "year")
    assert len(years) == len(set(years)) and "2019" in years
