"""Budget stages (reserved, committed, disbursed): counted once, as of a date, public only from public sources."""

import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maatwerk.finance.models import Project
from maatwerk.portal import public
from maatwerk.programme import selectors, services
from maatwerk.programme.models import Budget, BudgetEntry
from maatwerk.reporting.services import letter_context
from maatwerk.trajectories.models import Event
from maatwerk.trajectories.services import add_document

from . import budget_demo

D = dt.date
PRECISIONS = ("day", "month", "year")


def _start(day: dt.date, precision: str) -> dt.date:
    return day if precision == "day" else day.replace(day=1) if precision == "month" else D(day.year, 1, 1)


def _random_entries(rng: random.Random, projects, n: int) -> None:
    for _ in range(n):
        precision = rng.choice(PRECISIONS)
        day = D(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 1300))
        BudgetEntry.objects.create(
            project=rng.choice(projects), stage=rng.choice(["reserved", "committed", "disbursed"]), year=rng.choice([None, 2025, 2026, 2027]),
            amount_eur=rng.choice([0.0, float(rng.randrange(1, 500)) * 1e6]), valid_from=_start(day, precision), valid_from_precision=precision,
            source="willekeurig",
        )


def _expected_with_pandas(as_of: dt.date) -> tuple[pd.DataFrame, pd.Series]:
    """The same rules, written down independently: per series the latest entry begun by ``as_of``
    (a month or year from its last day); per project committed = max(committed, disbursed), reserved only
    without commitment; each project in the most specific budget that covers its company and exists by then."""
    rows = list(BudgetEntry.objects.values("pk", "project_id", "project__trajectory__company__name", "project__trajectory__company__sector",
                                           "stage", "year", "amount_eur", "valid_from", "valid_from_precision"))
    df = pd.DataFrame(rows).rename(columns={"project__trajectory__company__name": "company", "project__trajectory__company__sector": "sector"})
    start = pd.to_datetime(df["valid_from"])
    df["counts_from"] = np.select(
        [df["valid_from_precision"] == "day", df["valid_from_precision"] == "month"],
        [start, start + pd.offsets.MonthEnd(0)],
        default=start + pd.offsets.YearEnd(0),
    )
    df["year"] = df["year"].fillna(-1)
    current = df[df["counts_from"] <= pd.Timestamp(as_of)].sort_values(["counts_from", "pk"]).groupby(["project_id", "stage", "year"]).tail(1)
    stages = current.pivot_table(index="project_id", columns="stage", values="amount_eur", aggfunc="sum", fill_value=0.0)
    for stage in ("reserved", "committed", "disbursed"):
        if stage not in stages:
            stages[stage] = 0.0
    out = pd.DataFrame(index=stages.index)
    out["committed"] = np.maximum(stages["committed"], stages["disbursed"])
    out["disbursed"] = stages["disbursed"]
    out["reserved"] = np.where(out["committed"] > 0, 0.0, stages["reserved"])
    out["claimed"] = out["committed"] + out["reserved"]
    out = out[out["claimed"] > 0]
    companies = df.drop_duplicates("project_id").set_index("project_id")[["company", "sector"]]
    budgets = pd.DataFrame(list(Budget.objects.values("name", "scope", "established_on")))
    known = pd.to_datetime(budgets["established_on"])
    budgets = budgets[known.isna() | (known <= pd.Timestamp(as_of))][["name", "scope"]]  # a budget counts from its source's day
    pairs = companies.reset_index().merge(budgets, how="cross")
    pairs["rank"] = np.select(
        [pairs["scope"] == pairs["company"], pairs["scope"] == "sector:" + pairs["sector"], pairs["scope"] == ""], [3, 2, 1], default=0
    )
    pairs = pairs[pairs["rank"] > 0].sort_values(["rank", "name"], ascending=[False, True]).drop_duplicates("project_id")
    out = out.join(pairs.set_index("project_id")["name"].rename("budget"))
    per_budget = out.groupby("budget")["claimed"].sum()
    return out, per_budget


def test_stage_arithmetic_matches_an_independent_pandas_computation(demo):
    projects = list(Project.objects.all())
    for seed in range(4):
        # append-only: each seed adds its entries to those of the seeds before
        _random_entries(random.Random(seed), projects, 30)
        for as_of in (D(2023, 6, 30), D(2024, 12, 31), D(2025, 9, 30), D(2026, 6, 30), D(2027, 12, 31)):
            expected, per_budget = _expected_with_pandas(as_of)
            got = {s.project.pk: s.counted for s in selectors.project_support(as_of)}
            assert set(got) == set(expected.index), (seed, as_of)
            for pk, c in got.items():
                row = expected.loc[pk]
                assert (c.reserved_eur, c.committed_eur, c.disbursed_eur) == pytest.approx((row["reserved"], row["committed"], row["disbursed"])), (seed, as_of, pk)
                # nothing counted twice: a project claims its commitment or its reservation, never both
                assert c.reserved_eur == 0 or c.committed_eur == 0
                assert c.disbursed_eur <= c.committed_eur
            use = selectors.budget_stages(as_of)
            claimed = {r["budget"].name: r["claimed_eur"] for r in use.rows if r["claimed_eur"]}
            assert claimed == pytest.approx(per_budget[per_budget > 0].to_dict()), (seed, as_of)
            # every project once: the budgets (and the ones no budget covers) add up to the projects, and so do the companies
            total = sum(r["claimed_eur"] for r in use.rows) + sum(s.counted.claimed_eur for s in use.unassigned)
            assert total == pytest.approx(expected["claimed"].sum())
            assert sum(r["claimed_eur"] for r in selectors.support_by_company(as_of)) == pytest.approx(expected["claimed"].sum())


@pytest.fixture
def stages(demo):
    budget_demo.record()


def _company(as_of, name, audience="internal"):
    return next((r for r in selectors.support_by_company(as_of, audience=audience) if r["company_name"] == name), None)


def test_the_demo_stages_as_of_a_date(stages):
    june = D(2025, 6, 30)
    cosun = _company(june, "Royal Cosun")
    assert (cosun["reserved_eur"], cosun["committed_eur"], cosun["stage"]) == (105e6, 0.0, "reserved")
    assert _company(june, "AnQore") is None  # its JLoI is of 8 July 2025
    december = _company(D(2025, 12, 18), "Royal Cosun")
    assert (december["reserved_eur"], december["committed_eur"], december["superseded_reserved_eur"]) == (0.0, 73e6, 105e6)
    assert december["claimed_eur"] == 73e6  # not 105 + 73
    # Tata Steel's EUR 2 bn from 29 September 2025, not before, reserved (a JLoI), never committed
    assert _company(D(2025, 9, 28), "Tata Steel Nederland") is None
    tata = _company(D(2025, 9, 29), "Tata Steel Nederland")
    assert (tata["reserved_eur"], tata["committed_eur"]) == (2e9, 0.0)
    anqore = _company(D(2025, 9, 29), "AnQore")
    assert (anqore["reserved_eur"], anqore["committed_eur"]) == (46e6, 0.0)
    # Yara's one-off grant of "november 2023" counts from the month's last day
    assert _company(D(2023, 11, 29), "Yara Sluiskil") is None
    assert _company(D(2023, 11, 30), "Yara Sluiskil")["committed_eur"] == 30e6


def test_tata_counts_once_in_the_budgets(stages):
    as_of = D(2026, 1, 1)
    rows = {r["budget"].name: r for r in selectors.budget_stages(as_of).rows}
    fund = rows["Klimaatfonds: reservering verduurzaming industrie (indicatief)"]
    tata = rows["Tata Steel Nederland: maximale bijdrage Staat"]
    assert (tata["reserved_eur"], tata["committed_eur"], tata["share"]) == (2e9, 0.0, 1.0)
    # the programme-wide reservation carries the others: Nobian 185 + Cosun 73 + Yara 30 committed, AnQore 46 reserved
    assert (fund["committed_eur"], fund["reserved_eur"]) == (185e6 + 73e6 + 30e6, 46e6)
    assert fund["share"] == pytest.approx((185e6 + 73e6 + 30e6 + 46e6) / 3e9)
    assert sum(r["claimed_eur"] for r in rows.values()) == sum(r["claimed_eur"] for r in selectors.support_by_company(as_of))
    assert rows["Elektrificatieregeling industrie"]["reference"] and rows["Elektrificatieregeling industrie"]["claimed_eur"] == 0


def test_public_outputs_read_only_published_sources(stages):
    as_of = D(2026, 1, 1)
    names = {r["company"] for r in public.support_by_company(as_of)}
    assert "Yara Sluiskil" not in names  # its grant is recorded with a text source only: internal
    assert {"Nobian", "Royal Cosun", "AnQore", "Tata Steel Nederland"} <= names
    letter = {b["budget"].name: b for b in letter_context(D(2025, 6, 30))["budget"]}
    fund = letter["Klimaatfonds: reservering verduurzaming industrie (indicatief)"]
    assert (fund["reserved_eur"], fund["committed_eur"]) == (105e6, 185e6)  # Cosun's JLoI reserved, Nobian committed
    # an entry from an internal document changes no public figure, not even when it is newer
    cosun = Project.objects.get(trajectory__company__name="Royal Cosun")
    memo = add_document(cosun.trajectory, "other", "Interne notitie", "internal", document_date=D(2025, 12, 20))
    before = (public.support_by_company(as_of), public.budget_use(as_of))
    services.record_budget_entry(project=cosun, stage="committed", amount_eur=99e6, valid_from=D(2025, 12, 20), document=memo)
    assert (public.support_by_company(as_of), public.budget_use(as_of)) == before
    assert _company(as_of, "Royal Cosun")["committed_eur"] == 99e6  # internally the newer entry holds


def _errors(call) -> dict:
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict


def test_refusals_name_the_field_and_write_nothing(stages):
    cosun = Project.objects.get(trajectory__company__name="Royal Cosun")
    nobian = Project.objects.get(trajectory__company__name="Nobian")
    other_doc = nobian.trajectory.documents.first()
    base = dict(project=cosun, stage="committed", amount_eur=1e6, valid_from=D(2025, 12, 19), source="test")
    before = (BudgetEntry.objects.count(), Event.objects.count())
    cases = [
        (dict(source=""), "source", "Geef de bron"),
        (dict(document=other_doc), "document", "hoort niet bij het traject van Royal Cosun"),
        (dict(stage="pledged"), "stage", "Onbekende fase"),
        (dict(amount_eur=-5), "amount_eur", "ligt buiten"),
        (dict(amount_eur=float("nan")), "amount_eur", "geen eindig getal"),
        (dict(year=1999), "year", "tussen 2000 en 2100"),
        (dict(valid_from=D(2099, 1, 1)), "valid_from", "in de toekomst"),
        (dict(valid_from=D(2025, 12, 19), valid_from_precision="month"), "valid_from", "eerste dag van de periode (2025-12-01)"),
        (dict(year=2026), "year", "per jaar en zonder jaar tegelijk zou dubbel tellen"),  # Cosun's 73 M has no year
        (dict(project=Project.objects.get(trajectory__company__name="AnQore"), stage="disbursed", amount_eur=5e6), "amount_eur",
         "meer dan de EUR 0 die op 19-12-2025 is toegezegd"),
        (dict(stage="disbursed", amount_eur=80e6), "amount_eur", "Uitbetaald zou dan EUR 80.000.000 zijn, meer dan de EUR 73.000.000"),
    ]
    for change, field, message in cases:
        errors = _errors(lambda change=change: services.record_budget_entry(**(base | change)))
        assert field in errors and message in " ".join(errors[field]), (change, errors)
    assert (BudgetEntry.objects.count(), Event.objects.count()) == before
    # within the commitment a disbursement is fine, and it shows in the history
    services.record_budget_entry(**(base | dict(stage="disbursed", amount_eur=20e6, year=None)))
    assert Event.objects.filter(trajectory=cosun.trajectory, note__contains="uitbetaald").exists()


def test_case_key_makes_a_second_reading_change_nothing(stages):
    anqore = Project.objects.get(trajectory__company__name="AnQore")
    count = BudgetEntry.objects.count()
    budget_demo.record()  # the same facts again (the demo's case keys)
    assert BudgetEntry.objects.count() == count
    errors = _errors(lambda: services.record_budget_entry(project=anqore, stage="reserved", amount_eur=47e6, valid_from=D(2025, 7, 8),
                                                          source="x", case_key="demo-reserved"))
    assert "al gebruikt" in errors["case_key"][0]


def test_entries_are_append_only(stages):
    entry = BudgetEntry.objects.first()
    entry.amount_eur = 1
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    assert BudgetEntry.objects.get(pk=entry.pk).amount_eur != 1


def test_a_retraction_with_zero_brings_back_the_reservation(stages):
    cosun = Project.objects.get(trajectory__company__name="Royal Cosun")
    services.record_budget_entry(project=cosun, stage="committed", amount_eur=0, valid_from=D(2026, 1, 5), source="correctie")
    assert _company(D(2026, 1, 4), "Royal Cosun")["committed_eur"] == 73e6
    after = _company(D(2026, 1, 5), "Royal Cosun")
    assert (after["reserved_eur"], after["committed_eur"]) == (105e6, 0.0)


# --- the pages ------------------------------------------------------------------------------------------------


def test_budget_page_records_an_entry_and_keeps_input_when_refused(users, client):
    client.force_login(users["programme"])
    anqore = Project.objects.get(trajectory__company__name="AnQore")
    url = reverse("programme:project_budget", args=[anqore.pk])
    assert client.get(url).status_code == 200
    jloi = anqore.trajectory.documents.get(title="Joint Letter of Intent AnQore")
    good = {"stage": "reserved", "amount_eur": "46.000.000", "year": "", "valid_from": "8-7-2025", "document": jloi.pk, "source": "", "note": ""}
    response = client.post(url, good)
    assert response.status_code == 302
    entry = BudgetEntry.objects.get(project=anqore)
    assert (entry.amount_eur, entry.valid_from, entry.document_id, entry.recorded_by) == (46e6, D(2025, 7, 8), jloi.pk, users["programme"])
    # bad input: the form again (422) with the typed values and the error beside its field; nothing written
    count = BudgetEntry.objects.count()
    bad = good | {"amount_eur": "veel", "valid_from": "2025-13", "note": "mijn toelichting"}
    page = client.post(url, bad)
    html = page.content.decode()
    assert page.status_code == 422 and 'value="veel"' in html and 'value="2025-13"' in html and "mijn toelichting" in html
    assert "maand 13 bestaat niet" in html and BudgetEntry.objects.count() == count
    # refused by the service (more paid out than committed): the same
    page = client.post(url, good | {"stage": "disbursed", "amount_eur": "5.000.000", "valid_from": "2025-11"})
    html = page.content.decode()
    assert page.status_code == 422 and "meer dan de EUR 0" in html and 'value="5.000.000"' in html and 'value="2025-11"' in html
    assert BudgetEntry.objects.count() == count


@pytest.mark.parametrize("role", ["company_a", "amvi", "province", "nobody"])
def test_only_the_programme_team_records_budget_entries(users, client, role):
    client.force_login(users[role])
    anqore = Project.objects.get(trajectory__company__name="AnQore")
    url = reverse("programme:project_budget", args=[anqore.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"stage": "reserved", "amount_eur": "1", "valid_from": "2025-07-08", "source": "x"})
    assert response.status_code == 403 and not BudgetEntry.objects.exists()


def test_dashboard_and_project_page_show_the_stages(users, client):
    budget_demo.record()
    client.force_login(users["programme"])
    html = client.get(reverse("programme:dashboard"), {"op": "2026-01-01"}).content.decode()
    table = html[html.index('id="budget-table"'):html.index("</table>", html.index('id="budget-table"'))]
    assert "Gereserveerd" in table and "waarvan uitbetaald" in table
    assert 'data-series="Gereserveerd (JLoI)"' in html and 'class="reference"' in html  # the stacked bar
    support = html[html.index('id="support-table"'):]
    assert "Yara Sluiskil" in support
    assert '<span class="muted" title="vervangen door de toezegging">(<data class="money" value="105000000"' in support  # Cosun's, shown apart
    yara = Project.objects.get(trajectory__company__name="Yara Sluiskil")
    assert "€ 30 mln" in client.get(reverse("finance:project", args=[yara.pk])).content.decode()
    # another role sees on the project page only what published documents say
    client.force_login(users["company_b"])
    nobian = Project.objects.get(trajectory__company__name="Nobian")
    page = client.get(reverse("finance:project", args=[nobian.pk])).content.decode()
    assert "€ 185 mln" in page and reverse("programme:project_budget", args=[nobian.pk]) not in page


def test_api_support_per_company(users, client):
    budget_demo.record()
    client.force_login(users["programme"])
    rows = client.get("/api/v1/budget/support", {"as_of": "2025-12-18"}).json()
    cosun = next(r for r in rows if r["company"] == "Royal Cosun")
    assert (cosun["reserved_eur"], cosun["committed_eur"], cosun["superseded_reserved_eur"], cosun["stage"]) == (0, 73e6, 105e6, "committed")
    assert "Tata Steel Nederland" in {r["company"] for r in rows}
    assert "Tata Steel Nederland" not in {r["company"] for r in client.get("/api/v1/budget/support", {"as_of": "2025-09-28"}).json()}
    assert client.get("/api/v1/budget/support", {"as_of": "2025-13-01"}).status_code == 422
    client.force_login(users["company_a"])
    assert client.get("/api/v1/budget/support").status_code == 403
