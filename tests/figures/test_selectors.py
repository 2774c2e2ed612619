"""Which record holds per series: ``current`` against an independent pandas computation over the same rows."""

import datetime as dt
import random

import pandas as pd
import pytest
from django.utils import timezone

from maatwerk.engine.ranges import Value
from maatwerk.figures import selectors
from maatwerk.figures.models import Figure

from .conftest import D, document

QUANTITIES = ["co2_reduction_t_per_year", "support_max_eur", "nox_reduction_t_per_year"]
DAYS = [D("2025-01-15"), D("2025-06-23"), D("2025-06-23"), D("2025-10-01"), D("2025-12-18"), D("2026-03-11")]
T0 = timezone.make_aware(dt.datetime(2025, 1, 1, 9, 0))


def make_records(w, seed):
    """Sixty records over two companies, with and without project, several sources (public or not),
    states and confidentiality at random; recorded at chosen moments, some at the same moment."""
    rng = random.Random(seed)
    late_public = document(w.t_cosun, "Kamerbrief later openbaar", D("2025-06-23"), public=False, doc_type="kamerbrief")
    sources = {w.cosun.pk: [w.jloi, w.binding, w.internal, late_public], w.alco.pk: [w.alco_jloi]}
    rows = []
    for _ in range(60):
        company = rng.choice([w.cosun, w.alco])
        project = w.project if company == w.cosun and rng.random() < 0.4 else None
        source = rng.choice(sources[company.pk])
        valid_from = rng.choice(DAYS)
        confidentiality = rng.choice(["public", "public", "internal", "confidential"])
        state = rng.choice(["draft", "proposed", "published"])
        if confidentiality != "public":
            state = rng.choice(["draft", "proposed"])
        published_on = valid_from + dt.timedelta(days=rng.choice([0, 0, 30, 200])) if state == "published" else None
        low = float(rng.randrange(1, 500) * 1000)
        f = Figure.objects.create(
            company=company, project=project, quantity=rng.choice(QUANTITIES), qualifier="exact", low=low, high=low,
            source=source, valid_from=valid_from, confidentiality=confidentiality, state=state,
            published_by=w.programme if state == "published" else None, published_on=published_on,
            published_at=T0 if state == "published" else None, recorded_by=w.programme,
        )
        recorded_at = T0 + dt.timedelta(days=rng.randrange(0, 500), hours=rng.choice([0, 0, 3]))
        published_at = recorded_at + dt.timedelta(days=rng.choice([0, 10])) if state == "published" else None
        Figure.objects.filter(pk=f.pk).update(recorded_at=recorded_at, published_at=published_at)  # a history, as if recorded then
    # the late source becomes public only now: its figures were not publicly sourced before
    late_public.published, late_public.confidentiality, late_public.published_on = True, "public", D("2026-01-10")
    late_public.save()
    return rows


def frame():
    qs = Figure.objects.values(
        "pk", "company_id", "project_id", "quantity", "valid_from", "recorded_at", "state", "confidentiality",
        "published_on", "published_at", "source__published", "source__confidentiality",
    )
    df = pd.DataFrame(list(qs))
    df["project_id"] = df["project_id"].astype("object").where(df["project_id"].notna(), None)
    return df


def expected(df, as_of, audience, known_at=None):
    rows = df[df.valid_from <= as_of]
    if audience == "public":
        rows = rows[
            (rows.state == "published") & (rows.confidentiality == "public") & rows.source__published
            & (rows.source__confidentiality == "public") & (rows.published_on <= as_of)
        ]
        if known_at is not None:
            rows = rows[(rows.published_at <= known_at) & (rows.recorded_at <= known_at)]
    elif known_at is not None:
        rows = rows[rows.recorded_at <= known_at]
    rows = rows.assign(project_key=rows.project_id.map(lambda p: -1 if p is None or pd.isna(p) else int(p)))
    last = rows.sort_values(["valid_from", "recorded_at", "pk"]).groupby(["company_id", "project_key", "quantity"]).tail(1)
    return {(int(r.company_id), None if r.project_key == -1 else int(r.project_key), r.quantity): int(r.pk) for r in last.itertuples()}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_current_agrees_with_an_independent_groupby(world, seed):
    make_records(world, seed)
    df = frame()
    moments = [None, T0 + dt.timedelta(days=100), T0 + dt.timedelta(days=300)]
    checked = 0
    for as_of in [D("2025-01-14"), D("2025-06-23"), D("2025-07-01"), D("2025-12-18"), D("2026-02-01"), D("2026-06-30")]:
        for audience in ("public", "internal"):
            for known_at in moments:
                got = {k: f.pk for k, f in selectors.current(as_of=as_of, audience=audience, known_at=known_at).items()}
                assert got == expected(df, as_of, audience, known_at), (as_of, audience, known_at)
                checked += len(got)
    assert checked > 50  # the comparison was about something


def test_supersession_and_same_day_correction(world):
    w = world
    base = dict(company=w.cosun, quantity="co2_reduction_t_per_year", source=w.jloi, confidentiality="public", recorded_by=w.programme)
    jloi = Figure.objects.create(**base, qualifier="about", low=260e3, high=260e3, valid_from=D("2025-06-23"))
    typo = Figure.objects.create(**base, qualifier="exact", low=26e3, high=26e3, valid_from=D("2025-06-23"), supersedes=jloi)
    fixed = Figure.objects.create(**base, qualifier="about", low=260e3, high=260e3, valid_from=D("2025-06-23"), supersedes=typo)
    binding = Figure.objects.create(
        **{**base, "source": w.binding}, qualifier="exact", low=167e3, high=167e3, valid_from=D("2025-12-18"), supersedes=fixed
    )
    key = (w.cosun.pk, None, "co2_reduction_t_per_year")
    # a correction of the same day wins over what it corrects, however the pks are ordered
    Figure.objects.filter(pk=typo.pk).update(recorded_at=T0)
    Figure.objects.filter(pk=fixed.pk).update(recorded_at=T0 + dt.timedelta(hours=1))
    Figure.objects.filter(pk=jloi.pk).update(recorded_at=T0 - dt.timedelta(hours=1))
    assert selectors.current(as_of=D("2025-06-30"), audience="internal")[key].pk == fixed.pk
    assert selectors.current(as_of=D("2025-12-17"), audience="internal")[key].pk == fixed.pk
    assert selectors.current(as_of=D("2025-12-18"), audience="internal")[key].pk == binding.pk
    # known_at: before the correction was recorded, the typo held
    assert selectors.current(as_of=D("2025-06-30"), audience="internal", known_at=T0 + dt.timedelta(minutes=30))[key].pk == typo.pk
    assert key not in selectors.current(as_of=D("2025-06-22"), audience="internal")
    # nothing was published: the public sees nothing
    assert selectors.current(as_of=D("2026-01-01"), audience="public") == {}
    assert selectors.superseded_ids(selectors.history(company=w.cosun)) == {jloi.pk, typo.pk, fixed.pk}


def test_public_needs_a_published_public_figure_from_a_public_source(world):
    w = world
    base = dict(company=w.cosun, quantity="support_max_eur", qualifier="at_most", high=105e6, valid_from=D("2025-06-23"), recorded_by=w.programme)
    published = dict(state="published", published_by=w.programme2, published_on=D("2025-06-23"), published_at=T0, confidentiality="public")
    ok = Figure.objects.create(**base, **published, source=w.jloi)
    Figure.objects.create(**{**base, "valid_from": D("2025-10-01")}, **published, source=w.internal)  # source not public
    Figure.objects.create(**{**base, "valid_from": D("2025-11-01")}, source=w.jloi, confidentiality="public", state="proposed")
    Figure.objects.create(**{**base, "valid_from": D("2025-11-02")}, source=w.jloi, confidentiality="internal")
    key = (w.cosun.pk, None, "support_max_eur")
    assert selectors.current(as_of=D("2026-01-01"), audience="public")[key].pk == ok.pk
    assert selectors.current(as_of=D("2025-06-22"), audience="public") == {}
    internal = selectors.current(as_of=D("2026-01-01"), audience="internal")[key]
    assert (internal.valid_from, internal.confidentiality) == (D("2025-11-02"), "internal")
    # published later than the day asked: not public yet on that day
    Figure.objects.filter(pk=ok.pk).update(published_on=D("2025-07-01"))
    assert selectors.current(as_of=D("2025-06-30"), audience="public") == {}
    assert selectors.value(ok) == Value(None, 105e6, "at_most")


def test_filters_by_company_and_quantity(world):
    w = world
    for company, source in ((w.cosun, w.jloi), (w.alco, w.alco_jloi)):
        for q in ("co2_reduction_t_per_year", "investment_eur"):
            Figure.objects.create(company=company, quantity=q, qualifier="exact", low=1.0, source=source, valid_from=source.document_date)
    got = selectors.current(as_of=D("2026-06-30"), audience="internal", companies=[w.alco], quantities=["investment_eur"])
    assert list(got) == [(w.alco.pk, None, "investment_eur")]
    with pytest.raises(ValueError):
        selectors.current(as_of=D("2026-06-30"), audience="everyone")


def test_value_of_each_qualifier(world):
    w = world
    cases = [("exact", 5.0, 5.0, Value(5.0, 5.0, "exact")), ("about", 260e3, None, Value(260e3, 260e3, "about")),
             ("at_least", 17.0, None, Value(17.0, None, "at_least")), ("range", 65.0, 75.0, Value(65.0, 75.0, "range"))]
    for qualifier, low, high, want in cases:
        f = Figure.objects.create(company=w.cosun, quantity="reduction_pct", qualifier=qualifier, low=low, high=high, source=w.jloi, valid_from=D("2025-06-23"))
        assert selectors.value(f) == want
