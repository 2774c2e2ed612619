"""Issue 16, point 1: the NEa's own publication imported, joined to the registry, ranked and reconciled
against the EUTL, each checked against an independent pandas reading of the files."""

import csv
import hashlib
import io
import json

import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from maatwerk.registry.models import ImportRun, Installation, NeaEmission, NeaPermit
from maatwerk.registry.nea_import import import_nea_file
from maatwerk.registry.reconcile import match_permits
from maatwerk.registry.services import import_eutl_files

from ..conftest import eutl_file, nea_file

pytestmark = [pytest.mark.nea, pytest.mark.django_db]  # django_db: the test database exists even when this module runs alone


@pytest.fixture(scope="module")
def both(django_db_setup, django_db_blocker):
    """The EUTL's NL file and the NEa publication, imported once for this module (rolled back afterwards)."""
    paths = {"nea": nea_file(), "eutl": eutl_file("NL")}
    with django_db_blocker.unblock():
        from django.db import transaction

        with transaction.atomic():
            import_eutl_files([paths["eutl"]], user="test")
            import_nea_file(paths["nea"], user="test")
            yield paths
            transaction.set_rollback(True)


def nea_frame(path) -> pd.DataFrame:
    """The ODS as pandas reads it (odf engine): permit rows only, '-' as missing."""
    df = pd.read_excel(path, engine="odf", header=0, dtype=object)
    df.columns = [" ".join(str(c).split()) for c in df.columns]
    df = df[df["Vergunning-nummer"].astype(str).str.fullmatch(r"NL-[0-9]+[a-z]?")].copy()
    for column in [c for c in df.columns if c.startswith("Emissie")]:
        df[column] = pd.to_numeric(df[column].where(df[column] != "-"))
    return df


def eutl_frame(path) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return df[df["MainActivityTypeCode"].str.strip() != "10"].copy()


def test_nea_file_imports_every_permit_with_provenance_and_dash_as_no_figure(db, capsys):
    path = nea_file()
    df = nea_frame(path)
    call_command("import_nea", str(path), "--user", "tester")
    out = capsys.readouterr().out
    assert f"{len(df)} vergunningen" in out
    assert NeaPermit.objects.count() == len(df) == 489
    year_columns = [c for c in df.columns if c.startswith("Emissie")]
    assert NeaEmission.objects.count() == len(df) * len(year_columns)
    run = ImportRun.objects.get(kind="nea")
    assert run.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (run.file_name, run.user) == (path.name, "tester") and run.finished_at is not None
    # '-' is no figure, never zero; pandas reads the same cells as missing
    expected_missing = int(df[year_columns].isna().sum().sum())
    assert NeaEmission.objects.filter(emissions_t__isnull=True).count() == expected_missing > 0
    hartman = NeaPermit.objects.get(permit_id="NL-200700012")
    assert hartman.records.get(year=2019).emissions_t is None and hartman.records.get(year=2013).emissions_t == 32544
    # the total row and the footnotes are not installations
    assert not NeaPermit.objects.filter(installation_name__icontains="totale").exists()
    assert not NeaPermit.objects.filter(permit_id__icontains="disclaimer").exists()
    assert "totaalrij 2020" in out  # the NEa's total is 1 t off the sum of its rows: reported, not hidden
    # every figure equals pandas' reading
    stored = {(p, y): v for p, y, v in NeaEmission.objects.values_list("permit__permit_id", "year", "emissions_t")}
    for _, r in df.iterrows():
        for column in year_columns:
            value = r[column]
            assert stored[(r["Vergunning-nummer"], int(column[-4:]))] == (None if pd.isna(value) else int(value))
    # a second import of the same file changes nothing and leaves no trace
    call_command("import_nea", str(path))
    assert "al eerder geïmporteerd" in capsys.readouterr().out
    assert ImportRun.objects.filter(kind="nea").count() == 1


def test_sub_permits_join_their_own_installation_and_every_permit_is_matched(both):
    matches = {m.permit_id: m for m in match_permits()}
    assert len(matches) == 489 and all(m.installation is not None for m in matches.values())
    eutl = eutl_frame(both["eutl"])
    # Chemelot: base permit = BKG 01 (NL-107); NL-200400161a..m = BKG 02..14, each its own EUTL installation
    assert matches["NL-200400161"].installation.eutl_id == "NL-107"
    for letter in "abcdefghijklm":
        permit = f"NL-200400161{letter}"
        expected = eutl.loc[eutl["PermitOrPlanID"] == permit.upper(), "id"].tolist()
        assert len(expected) == 1 and matches[permit].installation.eutl_id == expected[0]
    assert matches["NL-200400084h"].installation.name == "Dow Benelux B.V. BKG 9"
    # a permit number the EUTL holds twice (phase-1 installation stopped in 2007): the active one
    assert matches["NL-200400258"].installation.eutl_id == "NL-205970"
    assert matches["NL-200400014"].installation.eutl_id == "NL-204102"


def test_unmatched_rows_are_kept_and_listed_in_output_and_page(db, capsys, client):
    path = nea_file()
    import_eutl_files([eutl_file("NL")], user="test")
    Installation.objects.filter(eutl_id__in=["NL-204626", "NL-144"]).delete()  # Chemelot BKG 02, Tata Steel BKG 1
    call_command("import_nea", str(path))
    out = capsys.readouterr().out
    assert "niet gekoppeld: 2" in out
    assert "NL-200400161a Chemelot BKG 02 (blad 'Blad1', rij" in out
    assert "hoofdvergunning NL-200400161 staat in het register als NL-107" in out
    assert "NL-200400186 Tata Steel IJmuiden bv BKG 1" in out
    assert NeaPermit.objects.filter(permit_id="NL-200400161a").exists()  # kept
    page = client.get("/register/afstemming/?jaar=2020").content.decode()
    assert "NEa-vergunningen zonder installatie in het register" in page
    assert "NL-200400161a" in page and "NL-200400186" in page
    # an EUTL import after the NEa's joins as well: the join is read, not stored
    import_eutl_files([eutl_file("NL")], user="test")
    assert all(m.installation is not None for m in match_permits())


def test_emitters_top20_by_installation_from_nea_equals_pandas_reading_of_the_ods(both, capsys):
    call_command(
        "emitters", "--country", "NL", "--year", "2020", "--by", "installation", "--source", "nea", "--top", "20", "--format", "json"
    )
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    df = nea_frame(both["nea"]).dropna(subset=["Emissies 2020"])
    df = df.sort_values(["Emissies 2020", "Inrichtingsnaam"], ascending=[False, True]).head(20)
    expected = [(r["Vergunning-nummer"], r["Inrichtingsnaam"], int(r["Emissies 2020"])) for _, r in df.iterrows()]
    assert [(d["permit_id"], d["name"], d["verified_emissions_t"]) for d in data] == expected
    assert [d["rank"] for d in data] == list(range(1, 21))
    assert {d["source"] for d in data} == {"nea"}
    assert "Bron: NEa" in captured.err
    # the EUTL id beside the permit is the joined installation's
    eutl = eutl_frame(both["eutl"]).set_index("PermitOrPlanID")
    assert data[0]["id"] == eutl.loc[data[0]["permit_id"].upper(), "id"]


def test_emitters_default_source_is_nea_where_it_has_the_year_else_eutl(both, capsys):
    call_command("emitters", "--year", "2020", "--by", "installation", "--top", "3", "--format", "json")
    captured = capsys.readouterr()
    assert {d["source"] for d in json.loads(captured.out)} == {"nea"} and "de NEa heeft cijfers voor 2020" in captured.err
    call_command("emitters", "--year", "2021", "--top", "3", "--format", "json")
    captured = capsys.readouterr()
    assert {d["source"] for d in json.loads(captured.out)} == {"eutl"} and "de NEa heeft geen cijfers voor 2021" in captured.err
    call_command("emitters", "--year", "2020", "--top", "3", "--source", "eutl")
    out = capsys.readouterr().out
    assert out.startswith("Bron: EUTL") and "eutl" in out
    # grouped by account holder: the NEa's figures summed over the EUTL account holder of each permit's installation
    call_command("emitters", "--year", "2020", "--by", "account-holder", "--top", "1000", "--format", "json", "--source", "nea")
    got = {d["name"]: (d["verified_emissions_t"], d["installations"]) for d in json.loads(capsys.readouterr().out)}
    nea = nea_frame(both["nea"]).dropna(subset=["Emissies 2020"])
    eutl = eutl_frame(both["eutl"])
    last = pd.to_numeric(eutl["LastYearOfEmissions"], errors="coerce").fillna(0)
    eutl = eutl[(last == 0) | (last >= 2013)]  # the phase-1 twin of a permit stopped in 2007
    joined = nea.assign(key=nea["Vergunning-nummer"].str.upper()).merge(
        eutl.assign(key=eutl["PermitOrPlanID"].str.upper(), holder=eutl["AccountHolderName"].str.strip()), on="key", how="left"
    )
    assert not joined["holder"].isna().any()
    grouped = joined.groupby("holder")["Emissies 2020"].agg(["sum", "count"])
    assert got == {h: (int(r["sum"]), int(r["count"])) for h, r in grouped.iterrows()}
    with pytest.raises(CommandError, match="alleen cijfers voor NL"):
        call_command("emitters", "--country", "BE", "--year", "2020", "--source", "nea")
    with pytest.raises(CommandError, match="geen NEa-cijfers voor 2022"):
        call_command("emitters", "--year", "2022", "--source", "nea")


def expected_reconciliation(both, year):
    """Independent pandas join of the ODS and the EUTL file on the permit number (compared without case)."""
    nea = nea_frame(both["nea"])[["Vergunning-nummer", f"Emissies {year}"]].rename(
        columns={"Vergunning-nummer": "permit", f"Emissies {year}": "nea"}
    )
    nea["key"] = nea["permit"].str.upper()
    eutl = eutl_frame(both["eutl"])
    eutl = eutl.assign(eutl=pd.to_numeric(eutl[f"VerifiedEmissions_{year}"], errors="coerce"), key=eutl["PermitOrPlanID"].str.upper())
    eutl = eutl.dropna(subset=["eutl"])[["key", "id", "eutl"]]
    assert not eutl["key"].duplicated().any()  # one EUTL figure per permit in this year
    joined = nea.dropna(subset=["nea"]).merge(eutl, on="key", how="outer")
    differs = joined.dropna(subset=["nea", "eutl"])
    differs = differs[differs["nea"] != differs["eutl"]]
    return (
        {(r["permit"], r["id"], int(r["nea"]), int(r["eutl"])) for _, r in differs.iterrows()},
        {r["key"] for _, r in joined[joined["eutl"].isna()].iterrows()},
        {r["id"] for _, r in joined[joined["nea"].isna()].iterrows()},
    )


@pytest.mark.parametrize("year", [2020, 2013])
def test_reconcile_lists_installations_whose_figures_differ_as_a_pandas_join_does(both, capsys, year):
    call_command("reconcile", "--country", "NL", "--year", str(year), "--format", "json")
    rows = json.loads(capsys.readouterr().out)
    differs, nea_only, eutl_only = expected_reconciliation(both, year)
    assert {(r["permit_id"], r["eutl_id"], r["nea_t"], r["eutl_t"]) for r in rows if r["status"] == "differs"} == differs
    assert all(r["difference_t"] == r["nea_t"] - r["eutl_t"] for r in rows if r["status"] == "differs")
    assert {r["permit_id"].upper() for r in rows if r["status"] == "nea_only"} == nea_only
    assert {r["eutl_id"] for r in rows if r["status"] == "eutl_only"} == eutl_only
    assert all({"permit_id", "installation", "nea_t", "eutl_t", "difference_t"} <= set(r) for r in rows)
    if year == 2020:
        assert len(differs) == 4 and ("NL-200400161", "NL-107", 748145, 747608) in differs
    else:
        assert nea_only and eutl_only  # Philip Morris: a new NEa permit, its 2013 figure under the old EUTL one


def test_reconcile_table_and_csv_and_the_page_show_the_same(both, capsys, client):
    call_command("reconcile", "--year", "2020", "--format", "csv")
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert {r["permit_id"] for r in rows} == {"NL-200400046", "NL-200400126", "NL-200400161", "NL-200400225"}
    assert "4 verschillend, 0 alleen NEa, 0 alleen EUTL" in captured.err
    call_command("reconcile", "--year", "2020")
    assert "NL-200400161" in capsys.readouterr().out
    response = client.get("/register/afstemming/?jaar=2020")
    page = response.content.decode()
    assert response.status_code == 200 and "Afstemming NEa en EUTL" in page
    assert "4 met verschillende cijfers" in page
    assert "748.145" in page and "747.608" in page and ">537<" in page
    exported = client.get("/register/afstemming/?jaar=2020&format=json").json()
    call_command("reconcile", "--year", "2020", "--format", "json")
    assert exported == json.loads(capsys.readouterr().out)
    assert "Kies een jaar" in client.get("/register/afstemming/?jaar=2031").content.decode()
    with pytest.raises(CommandError, match="geen cijfers voor 2022"):
        call_command("reconcile", "--year", "2022")
    with pytest.raises(CommandError, match="alleen voor NL"):
        call_command("reconcile", "--country", "BE", "--year", "2020")
