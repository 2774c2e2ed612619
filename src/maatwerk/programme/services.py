"""Programme figures: totals by phase, budget use, conversion rates from the history, monitoring, the outlook."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.utils import timezone

from maatwerk.engine import monitoring, outlook, periods, ranges, workflow
from maatwerk.finance.bounds import EUROS, number_problem, planning_date_problem
from maatwerk.finance.models import Project
from maatwerk.finance.services import additional_at_target
from maatwerk.registry.models import Company
from maatwerk.trajectories.models import DatePrecision, Trajectory
from maatwerk.trajectories.services import state_as_of

from .models import (
    EXPECTABLE_PHASES,
    MILESTONE_DATES,
    BudgetEntry,
    BudgetStage,
    EmissionReport,
    Milestone,
    MilestoneKind,
    OutlookAssumptions,
    PhaseExpectation,
)

GOAL_MTON = (1.0, 1.9)  # additional reduction in 2030, Mton/yr (Kamerstuk 29 826 nr. 177, q 3, q 40, q 62)

CATEGORIES = (
    ("ambition", "Ambitie in een EoP", ("eop_signed", "jloi_concept", "amvi_advice")),
    ("jloi", "Afgesproken in een JLoI", ("jloi_signed",)),
    ("binding", "Bindend afgesproken", ("binding_agreement",)),
    ("realised", "Gerealiseerd", ("realisation", "completed")),
)
CATEGORY_OF = {phase: code for code, _, phases in CATEGORIES for phase in phases}
COMMITTED = ("jloi", "binding", "realised")  # support is committed from the signed JLoI on
FIGURES = ("co2_reduction_t", "additional_t", "nox_reduction_t", "nh3_reduction_t", "water_m3", "gas_m3", "support_max_eur")
#: each programme figure → the register's quantity and unit (the figures are read from the register)
REGISTER = {
    "co2_reduction_t": ("co2_reduction_t_per_year", "t CO2/jr"),
    "additional_t": ("additional_reduction_t_per_year", "t CO2/jr"),
    "nox_reduction_t": ("nox_reduction_t_per_year", "t NOx/jr"),
    "nh3_reduction_t": ("nh3_reduction_t_per_year", "t NH3/jr"),
    "water_m3": ("water_reduction_m3_per_year", "m3/jr"),
    "gas_m3": ("gas_reduction_m3_per_year", "m3/jr"),
    "support_max_eur": ("support_max_eur", "EUR"),
}



@dataclass
class ProjectRow:
    project: Project
    phase: str
    category: str | None
    figures: dict
    #: each figure of FIGURES as the register holds it (a range, "ten minste", …), None when there is none
    values: dict = field(default_factory=dict)
    #: the additional reduction as (low, high, basis) from :func:`additional_range`; figures["additional_t"] is its midpoint
    additional: tuple = (None, None, "unknown")


@dataclass
class Totals:
    as_of: dt.date | None
    rows: list[ProjectRow]
    by_category: dict[str, dict] = field(default_factory=dict)
    companies_by_phase: dict[str, list[str]] = field(default_factory=dict)


def register_values(as_of: dt.date | None = None, known_at: dt.datetime | None = None) -> dict[int, dict[str, ranges.Value | None]]:
    """Per project id: each figure of FIGURES as the register held it on ``as_of`` (today when None) for
    the programme team (valid then, in any state; ``known_at``: as recorded by then)."""
    from maatwerk.figures.selectors import INTERNAL, current, value

    quantity_of = {q: f for f, (q, _) in REGISTER.items()}
    held = current(as_of=as_of or timezone.localdate(), audience=INTERNAL, known_at=known_at, quantities=list(quantity_of))
    out: dict[int, dict[str, ranges.Value | None]] = defaultdict(lambda: dict.fromkeys(FIGURES))
    for (_company, project_id, quantity), figure in held.items():
        if project_id is not None:
            out[project_id][quantity_of[quantity]] = value(figure)
    return out


def project_rows(as_of: dt.date | None = None, projects: Iterable[Project] | None = None, year: int | None = None) -> list[ProjectRow]:
    """Per project its phase and figures as the register held them on ``as_of``; with ``year``,
    reductions count only once the project is at target by then (its first year at target, else its
    target year)."""
    rows = []
    if projects is None:
        projects = Project.objects.select_related("trajectory__company").prefetch_related("trajectory__events", "milestones")
    held = register_values(as_of)
    for p in projects:
        phase = state_as_of(p.trajectory, as_of).phase
        values = held[p.pk]
        figures = {f: None if (v := values[f]) is None else v.single for f in FIGURES if f != "additional_t"}
        # the agreement's figure, else the levy computation per the decision's regime (the same rule as the outlook)
        published = values["additional_t"]
        low, high, basis = additional_range(p, None if published is not None else additional_at_target(p), published)
        figures["additional_t"] = None if low is None or high is None else (low + high) / 2
        values = dict(values)
        if basis == "levy":  # the computed figure, one amount
            values["additional_t"] = ranges.Value(low, low, ranges.EXACT)
        if year is not None and planned_first_year(p) > year:
            for f in ("co2_reduction_t", "additional_t", "nox_reduction_t", "nh3_reduction_t", "water_m3", "gas_m3"):
                figures[f] = 0.0 if figures[f] is not None else None
                values[f] = ranges.Value(0.0, 0.0, ranges.EXACT) if values[f] is not None else None
        rows.append(ProjectRow(p, phase, CATEGORY_OF.get(phase), figures, values, (low, high, basis)))
    return rows


def totals(as_of: dt.date | None = None, projects: Iterable[Project] | None = None, year: int | None = None) -> Totals:
    """Sums over the projects per category; None figures count as unknown (not as zero) in ``unknown``."""
    rows = project_rows(as_of, projects, year)
    result = Totals(as_of, rows)
    for code, label, _ in CATEGORIES:
        members = [r for r in rows if r.category == code]
        sums = {f: sum(r.figures[f] or 0.0 for r in members) for f in FIGURES}
        unknown = {f: sum(1 for r in members if r.figures[f] is None) for f in FIGURES}
        # the same totals as values of the register: a sum of ranges is a range, "ten minste" survives
        totals_ = {f: ranges.total(r.values[f] for r in members if r.values.get(f) is not None) for f in FIGURES}
        text = {f: _figure_text(totals_[f], REGISTER[f][1]) if members else "–" for f in FIGURES}
        result.by_category[code] = {"label": label, "projects": members, "sums": sums, "unknown": unknown, "totals": totals_, "text": text}
    phases = defaultdict(list)
    for t in Trajectory.objects.select_related("company").prefetch_related("events"):
        phases[state_as_of(t, as_of).phase].append(t.company.name)
    result.companies_by_phase = {p.label: sorted(phases[p.code]) for p in workflow.PHASES if phases.get(p.code)}
    return result


def budget_use(t: Totals) -> list[dict]:
    """Per budget, as of the totals' date: the reserved, committed and disbursed money of the projects
    that draw from it, each project counted once (read from the budget stages, see
    :func:`maatwerk.programme.selectors.budget_stages`). ``committed_eur`` is binding decisions only: a
    JLoI's maximum is ``reserved_eur``; ``share`` is (reserved + committed) / amount."""
    from .selectors import budget_stages

    return budget_stages(t.as_of).rows


@dataclass(frozen=True)
class ConversionRate:
    phase: str
    probability: float
    forward: int
    exits: int
    source: str


def conversion_rates(assumptions: OutlookAssumptions | None = None) -> list[ConversionRate]:
    """Per main-line phase before realisation: P(next phase) estimated from the history of all
    trajectories as (forward moves + 1) / (moves out + 2) (Laplace's rule, so small counts stay
    away from 0 and 1); trajectories still in the phase are censored, not counted. Overrides win."""
    assumptions = assumptions or OutlookAssumptions.current()
    histories = (state_as_of(t).history for t in Trajectory.objects.prefetch_related("events"))
    forward, exits = outlook.count_moves(histories, workflow.MAIN_LINE, (workflow.WITHDRAWN, workflow.NO_POTENTIAL))
    rates = []
    for phase in workflow.MAIN_LINE[: workflow.MAIN_LINE.index("realisation")]:
        override = (assumptions.conversion_overrides or {}).get(phase)
        if override is not None:
            rates.append(ConversionRate(phase, float(override), forward[phase], exits[phase], "handmatig"))
        else:
            p = outlook.laplace_conversion(forward[phase], exits[phase])
            rates.append(ConversionRate(phase, p, forward[phase], exits[phase], "historie (Laplace)"))
    return rates


def planned_first_year(project: Project) -> int:
    prefetched = getattr(project, "_prefetched_objects_cache", {}).get("milestones")
    if prefetched is not None:  # the first by the model's ordering, as the query below would give
        m = next((x for x in prefetched if x.kind == MilestoneKind.FIRST_YEAR), None)
    else:
        m = Milestone.objects.filter(project=project, kind=MilestoneKind.FIRST_YEAR).first()
    if m is None:
        return project.target_year
    return (m.actual or m.forecast or m.planned).year


#: where a project's additional reduction in the outlook comes from
ADDITIONAL_BASIS = {
    "published": "gepubliceerd cijfer van de afspraak",
    "levy": "berekend uit de heffing (dispensatierechten)",
    "unknown": "nog onbekend",
}


def _figure_text(value: ranges.Value | None, unit: str) -> str:
    from maatwerk.core.templatetags.maatwerk import figure

    return figure(value, unit)


def additional_range(project: Project, computed: float | None, published: ranges.Value | None = None) -> tuple[float | None, float | None, str]:
    """The outlook's additional reduction of one project as (low, high, basis).

    The published figure of the agreement comes first: it is the decision's own figure, with its source,
    and a levy computation may rest on proxies (or, as for AnQore in the demo, on rights back-solved from
    that same figure). Today's register holds one figure, so low == high; a source that gives a range
    fills both ends. Without a published figure the levy computation counts (``computed``, from
    :func:`additional_at_target`). With neither it is unknown: (None, None, "unknown"), never another
    project's ratio.

    ``published``: the agreement's figure as the register holds it (:func:`register_values`); a range
    gives its two ends, "ten minste" its lower end for both, "ten hoogste" 0 to its upper end."""
    if published is not None:
        low = published.lower
        high = published.upper if published.upper is not None else low
        return float(low), float(high), "published"
    if computed is not None:
        return float(computed), float(computed), "levy"
    return None, None, "unknown"


def _conversion_path(phase_index: int, realisation: int) -> range:
    """The indices of the conversion rates that a project in this main-line phase still has to pass."""
    return range(phase_index, realisation) if phase_index < realisation else range(0)


def run_outlook(
    trials: int = 10_000, seed: int = 0, year: int = 2030, assumptions: OutlookAssumptions | None = None, as_of: dt.date | None = None
) -> tuple[dict[str, Any], outlook.OutlookResult]:
    """The Monte Carlo outlook on the projects in the programme.

    The additional distribution (and the chance of 1,0 / 1,9 Mton) counts only the projects whose additional
    reduction is known (published or computed from the levy). Projects with neither form the "not yet known"
    band: their CO2 reduction in the target year, nominal (``co2_reduction_t``, the plain sum) and expected
    under the same realisation, delay and uncertainty model (``expected_co2_reduction_t``); it is shown
    beside the known part, never added to it. ``assumed_share`` says how much of the known expectation
    rests on which inputs. ``additional_share_when_unknown`` (default 0) only adds a sensitivity, labelled
    as an assumption: the known distribution plus that share of the band, per trial.

    ``as_of``: the projects' phases and register figures of that day (today when None); the conversion
    rates are those of the whole history."""
    assumptions = assumptions or OutlookAssumptions.current()
    rates = conversion_rates(assumptions)
    conversion = [r.probability for r in rates]
    realisation = workflow.MAIN_LINE.index("realisation")
    rows = [r for r in project_rows(as_of) if r.category is not None]  # phases and register figures of that day
    phase_index = [workflow.MAIN_LINE.index(r.phase) for r in rows]
    p = [outlook.realisation_probability(i, conversion, realisation) for i in phase_index]
    planned = [planned_first_year(r.project) for r in rows]
    spans = [r.additional for r in rows]
    low = [np.nan if lo is None else lo for lo, _, _ in spans]
    high = [np.nan if hi is None else hi for _, hi, _ in spans]
    co2 = [np.nan if r.figures["co2_reduction_t"] is None else r.figures["co2_reduction_t"] for r in rows]
    support = [r.figures["support_max_eur"] or 0.0 for r in rows]
    delay, sd = assumptions.delay_mean_years, assumptions.reduction_sd
    result = outlook.simulate(
        p, planned, low, support, target_year=year, trials=trials, seed=seed, delay_mean_years=delay, reduction_sd=sd,
        additional_high_t=high, co2_reduction_t=co2,
    )
    expected = outlook.expected_contributions_t(p, planned, low, year, delay, sd, additional_high_t=high)
    expected_known = float(expected.sum())
    unknown = [i for i, (_, _, basis) in enumerate(spans) if basis == "unknown"]

    def share(indices: Iterable[int]) -> float | None:
        return float(sum(expected[i] for i in indices) / expected_known) if expected_known > 0 else None

    known = [i for i in range(len(rows)) if i not in unknown]
    manual = {j for j, r in enumerate(rates) if r.source == "handmatig"}
    assumed_share = {
        "expected_known_t": expected_known,
        "published": share([i for i in known if spans[i][2] == "published"]),
        "levy": share([i for i in known if spans[i][2] == "levy"]),
        "range": share([i for i in known if high[i] > low[i]]),
        "conversion_estimated": share([i for i in known if p[i] < 1]),
        "conversion_manual": share([i for i in known if manual & set(_conversion_path(phase_index[i], realisation))]),
        "definition": "Aandeel van de verwachte bekende additionele reductie in het doeljaar (Σ kans × kans op tijd × "
        "additioneel × verwachte factor): per herkomst van het cijfer (gepubliceerd of berekend uit de heffing), uit een bereik, "
        "van projecten die nog niet in realisatie zijn (rust op geschatte overgangskansen) en daarvan via een handmatig gezette kans. "
        "Vertraging en onzekerheid op de reductie zijn aannames voor alle projecten.",
    }
    key = "additional_2030_mton" if year == 2030 else f"additional_{year}_mton"
    band_values = result.unknown_band_mton
    summary = {
        "trials": trials,
        "seed": seed,
        "year": year,
        "p_additional_at_least_1_0_mton": result.probability_at_least(GOAL_MTON[0]),
        "p_additional_at_least_1_9_mton": result.probability_at_least(GOAL_MTON[1]),
        key: result.quantiles(result.additional_mton),
        "expected_additional_t": expected_known,
        "unknown_band": {
            "projects": [str(rows[i].project) for i in unknown],
            "count": len(unknown),
            "co2_reduction_t": float(sum(0.0 if np.isnan(co2[i]) else co2[i] for i in unknown)),
            "co2_unknown_too": [str(rows[i].project) for i in unknown if np.isnan(co2[i])],
            "expected_co2_reduction_t": outlook.expected_unknown_band_t(p, planned, low, co2, year, delay, sd),
            "mton": result.quantiles(band_values),
            "definition": "Projecten zonder gepubliceerd cijfer en zonder heffingsberekening: hun CO2-reductie in het doeljaar "
            "(som, en verwacht met dezelfde kansen, vertraging en onzekerheid als het bekende deel). Dit is geen additionele "
            "reductie en telt niet mee in de kans op 1,0 of 1,9 Mton.",
        },
        "assumed_share": assumed_share,
        "spending_eur": result.quantiles(result.spending_eur),
        "assumptions": {
            "conversion": {r.phase: round(r.probability, 4) for r in rates},
            "conversion_source": {r.phase: r.source for r in rates},
            "delay_mean_years": delay,
            "reduction_sd": sd,
            "additional_share_when_unknown": assumptions.additional_share_when_unknown,
        },
        "sensitivity": _sensitivity(result, assumptions.additional_share_when_unknown),
        "projects": [
            {
                "project": str(r.project),
                "phase": r.phase,
                "p_realised": round(pi, 4),
                "p_realised_exact": pi,
                "planned_year": y,
                "co2_reduction_t": r.figures["co2_reduction_t"],
                "additional_low_t": lo,
                "additional_high_t": hi,
                "additional_t": None if lo is None else (lo + hi) / 2,
                "additional_basis": basis,
                "additional_basis_label": ADDITIONAL_BASIS[basis],
                "additional_known": basis != "unknown",
                "expected_contribution_t": round(float(c), 1),
                "expected_contribution_analytic_t": round(float(e), 1),
                "unknown_band_contribution_t": round(float(b), 1),
            }
            for r, pi, y, (lo, hi, basis), c, e, b in zip(
                rows, p, planned, spans, result.contribution_mean_t, expected, result.unknown_band_contribution_mean_t
            )
        ],
    }
    return summary, result


def _sensitivity(result: outlook.OutlookResult, share: float | None) -> dict | None:
    """Off by default. With a share > 0: what the chance would be if that share of the unknown band were
    additional (the known distribution plus share × band, per trial). An assumption, never the headline."""
    if not share:
        return None
    total = result.additional_mton + share * result.unknown_band_mton
    return {
        "share_when_unknown": share,
        "p_additional_at_least_1_0_mton": float(np.mean(total >= GOAL_MTON[0])),
        "p_additional_at_least_1_9_mton": float(np.mean(total >= GOAL_MTON[1])),
        "additional_mton": result.quantiles(total),
        "label": f"Aanname, geen gepubliceerd cijfer: {share:.0%} van de reductie met onbekende additionaliteit telt als additioneel.",
    }


@dataclass
class MonitoringRow:
    project: Project | None
    milestone: Milestone | None
    status: monitoring.Status
    kind: str  # "milestone", "expectation" or "emissions"
    expectation: PhaseExpectation | None = None
    trajectory: Trajectory | None = None

    @property
    def company(self) -> Company:
        trajectory = self.trajectory or (self.project.trajectory if self.project is not None else None)
        assert trajectory is not None, "a monitoring row is about a project or a trajectory"
        return trajectory.company

    @property
    def subject(self) -> str:
        """Who the row is about, for an alert: the project, or the company for an expected phase."""
        return str(self.project) if self.project is not None else self.company.name


def milestone_row(m: Milestone, today: dt.date, tolerance_days: int = 90) -> MonitoringRow:
    status = monitoring.milestone_status(
        m.planned, m.forecast, m.actual, today, tolerance_days, planned_precision=m.planned_precision, forecast_precision=m.forecast_precision
    )
    return MonitoringRow(m.project, m, status, "milestone", trajectory=m.project.trajectory)


def expectation_row(e: PhaseExpectation, state: workflow.DerivedState, today: dt.date) -> MonitoringRow:
    """An expected phase against the trajectory's derived state on ``today``: reached when the history
    holds the phase or a later phase of the main line (from the first time it did)."""
    entry = reached_entry(state, e.phase)
    reached_on = (entry.since or entry.not_after) if entry else None
    stopped = workflow.PHASE_LABELS[state.phase] if state.phase in (workflow.WITHDRAWN, workflow.NO_POTENTIAL, workflow.PAUSED) else ""
    status = monitoring.expected_phase_status(
        workflow.PHASE_LABELS[e.phase], e.expected, e.precision, today, reached=entry is not None, reached_on=reached_on, stopped=stopped
    )
    return MonitoringRow(None, None, status, "expectation", expectation=e, trajectory=e.trajectory)


def planning_rows(today: dt.date | None = None, trajectories=None, tolerance_days: int = 90) -> list[MonitoringRow]:
    """Milestones and expected phases (of ``trajectories``, None: all) with their status on ``today``;
    expected phases are checked against each trajectory's derived state on that day."""
    from .selectors import current_expectations

    today = today or timezone.localdate()
    milestones = Milestone.objects.select_related("project__trajectory__company").order_by("planned")
    if trajectories is not None:
        milestones = milestones.filter(project__trajectory__in=trajectories)
    rows = [milestone_row(m, today, tolerance_days) for m in milestones]
    expectations = current_expectations(today, trajectories)
    if expectations:
        ids = {e.trajectory_id for e in expectations}
        states = {t.pk: state_as_of(t, today) for t in Trajectory.objects.filter(pk__in=ids).prefetch_related("events")}
        rows += [expectation_row(e, states[e.trajectory_id], today) for e in expectations]
    return rows


def monitoring_rows(today: dt.date | None = None, tolerance_days: int = 90, tolerance_share: float = 0.05) -> list[MonitoringRow]:
    today = today or timezone.localdate()
    rows = planning_rows(today, tolerance_days=tolerance_days)
    reports: defaultdict[int, dict[int, float]] = defaultdict(dict)
    for r in EmissionReport.objects.all():
        reports[r.project_id][r.year] = r.emissions_t
    held = register_values(today)  # the agreed reduction as the register holds it on the day of monitoring
    for p in Project.objects.filter(pk__in=list(reports)).select_related("trajectory__company"):
        agreed = held[p.pk]["co2_reduction_t"]
        reduction = None if agreed is None else agreed.single
        if p.baseline_emissions_t is None or reduction is None:
            continue
        first = planned_first_year(p)
        path = {y: monitoring.agreed_path_t(p.baseline_emissions_t, reduction, first, y) for y in reports[p.pk]}
        rows.append(MonitoringRow(p, None, monitoring.emissions_status(path, reports[p.pk], tolerance_share), "emissions", trajectory=p.trajectory))
    return rows


# --- recording milestones, expected phases and budget stages (one service per action, for every route) ---


def _eur(amount: float) -> str:
    from maatwerk.core.templatetags.maatwerk import dutch_number

    return dutch_number(float(amount), 0)


def _source_problems(document, source: str, trajectory) -> dict[str, str]:
    if document is None and not (source or "").strip():
        return {"source": "Geef de bron: kies een brondocument of beschrijf de bron (bijv. de JLoI met kenmerk)."}
    if document is not None and document.trajectory_id != trajectory.pk:
        return {"document": f"Het brondocument hoort niet bij het traject van {trajectory.company.name}."}
    return {}


def _partial_problem(value: dt.date | None, precision: str, label: str) -> str | None:
    if value is None:
        return None
    if precision not in periods.PRECISIONS:
        return f"{label}: onbekende nauwkeurigheid {precision!r}; kies dag, maand of jaar."
    if value != periods.period_start(value, precision):
        return f"{label}: bij nauwkeurigheid {DatePrecision(precision).label} is de datum de eerste dag van de periode ({periods.period_start(value, precision):%Y-%m-%d})."
    return None


def _history_note(trajectory, text: str, day: dt.date, precision: str, source: str, actor) -> None:
    """The record in the trajectory's history: dated when the day is known, else bounded by its period's end."""
    from maatwerk.core.dates import happened_date_error
    from maatwerk.trajectories.services import note

    end = periods.period_end(day, precision)
    exact = day if precision == periods.DAY else None
    not_after = end if exact is None and happened_date_error(end, "") is None else None
    note(trajectory, text, exact, not_after, source=source[:2000], actor=actor)


def record_milestone(*, project: Project, kind: str, planned: dt.date, planned_precision: str = "day", forecast: dt.date | None = None,
                     forecast_precision: str = "day", actual: dt.date | None = None, note: str = "", source: str = "", actor=None) -> Milestone:
    """A new milestone of a project (one per kind; an existing one is updated on its own page)."""
    errors = {}
    if kind not in MilestoneKind.values:
        errors["kind"] = f"Onbekende mijlpaal {kind!r}."
    elif Milestone.objects.filter(project=project, kind=kind).exists():
        errors["kind"] = f"{project} heeft al een mijlpaal ‘{MilestoneKind(kind).label}’; werk die bij."
    for name, value, precision in (("planned", planned, planned_precision), ("forecast", forecast, forecast_precision)):
        if problem := _partial_problem(value, precision, MILESTONE_DATES[name]):
            errors[name] = problem
    if errors:
        raise ValidationError(errors)
    m = Milestone(project=project, kind=kind, planned=planned, planned_precision=planned_precision, forecast=forecast,
                  forecast_precision=forecast_precision, actual=actual, note=note, source=source)
    m.full_clean()
    m.save()
    return m


def reached_entry(state: workflow.DerivedState, phase: str):
    """The first entry of the history in ``phase`` or a later phase of the main line; None when never."""
    index = workflow.MAIN_LINE.index(phase)
    return next((h for h in state.history if h.phase in workflow.MAIN_LINE and workflow.MAIN_LINE.index(h.phase) >= index), None)


def record_expectation(*, trajectory: Trajectory, phase: str, expected: dt.date, precision: str = "month", stated_on: dt.date,
                       document=None, source: str = "", note: str = "", case_key: str = "", actor=None) -> PhaseExpectation:
    """Record when a source expects the trajectory to reach ``phase`` (append-only; a newer statement
    supersedes the older). Refused, with a message per field, when the phase is unknown or had already
    been reached on ``stated_on``, the expected date is implausible or not the first day of its period,
    ``stated_on`` lies in the future, or no source is given. With a ``case_key`` the same record again
    changes nothing (a case file read twice)."""
    from maatwerk.core.dates import happened_date_error

    if case_key:
        existing = PhaseExpectation.objects.filter(trajectory=trajectory, case_key=case_key).first()
        if existing is not None:
            same = (existing.phase, existing.expected, existing.precision, existing.stated_on) == (phase, expected, precision, stated_on)
            if not same:
                raise ValidationError({"case_key": f"Sleutel {case_key!r} is al gebruikt voor een andere verwachting van {trajectory}."})
            return existing
    errors = _source_problems(document, source, trajectory)
    if phase not in dict(EXPECTABLE_PHASES):
        errors["phase"] = f"Onbekende fase {phase!r}; kies een fase van de hoofdlijn na de verkenning."
    if problem := _partial_problem(expected, precision, "De verwachte datum") or planning_date_problem(expected, "De verwachte datum"):
        errors["expected"] = problem
    if problem := happened_date_error(stated_on, "Gemeld op"):
        errors["stated_on"] = problem
    if "phase" not in errors and "stated_on" not in errors and reached_entry(state_as_of(trajectory, stated_on), phase):
        errors["phase"] = f"{trajectory} had ‘{workflow.PHASE_LABELS[phase]}’ op {stated_on:%d-%m-%Y} al bereikt; een verwachting gaat over een fase die nog komt."
    if errors:
        raise ValidationError(errors)
    e = PhaseExpectation.objects.create(
        trajectory=trajectory, phase=phase, expected=expected, precision=precision, stated_on=stated_on, document=document,
        source=source, note=note, case_key=case_key, recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    _history_note(trajectory, f"Verwachting vastgelegd: {workflow.PHASE_LABELS[phase]} verwacht {e.expected_text}" + (f". {note}" if note else ""),
                  stated_on, periods.DAY, e.source_text, actor)
    return e


def record_budget_entry(*, project: Project, stage: str, amount_eur: float, valid_from: dt.date, valid_from_precision: str = "day",
                        year: int | None = None, document=None, source: str = "", note: str = "", case_key: str = "", actor=None) -> BudgetEntry:
    """Record an amount of one budget stage for a project (append-only; a newer entry of the same stage
    and year supersedes the older, an amount of 0 retracts it).

    Refused, with a message per field and nothing written: an unknown stage; an amount outside
    0 – 100 mld or not a number; a year outside 2000–2100; a date in the future or not the first day of
    its period; no source; a source document of another trajectory; a stage that would hold amounts
    both per year and not per year (they would add up twice); a disbursement that would exceed what is
    committed on its date. With a ``case_key`` the same entry again changes nothing."""
    from maatwerk.core.dates import happened_date_error
    from maatwerk.engine.budget import counted

    from .selectors import current_entries

    trajectory = project.trajectory
    if case_key:
        existing = BudgetEntry.objects.filter(project=project, case_key=case_key).first()
        if existing is not None:
            same = (existing.stage, existing.amount_eur, existing.year, existing.valid_from, existing.valid_from_precision) == (
                stage, amount_eur, year, valid_from, valid_from_precision)
            if not same:
                raise ValidationError({"case_key": f"Sleutel {case_key!r} is al gebruikt voor een andere boeking van {project}."})
            return existing
    errors = _source_problems(document, source, trajectory)
    if stage not in BudgetStage.values:
        errors["stage"] = f"Onbekende fase van het geld {stage!r}; kies gereserveerd, toegezegd of uitbetaald."
    if problem := number_problem(amount_eur, *EUROS):
        errors["amount_eur"] = f"Bedrag: {problem}."
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100):
        errors["year"] = f"Begrotingsjaar {year!r} ligt niet tussen 2000 en 2100 (leeg: niet per jaar)."
    if problem := _partial_problem(valid_from, valid_from_precision, "Geldig vanaf") or happened_date_error(valid_from, "Geldig vanaf"):
        errors["valid_from"] = problem
    if not errors:
        # the stage as it will stand (in every series, whatever its date) with this entry
        latest = [e for items in current_entries(dt.date.max, projects=[project]).values() for e in items]
        others = [e for e in latest if e.stage == stage and (e.year is None) != (year is None)]
        if others and amount_eur > 0:
            other = others[0]
            errors["year"] = (
                f"Voor {BudgetStage(stage).label.lower()} staat al een bedrag {'zonder jaar' if other.year is None else f'voor {other.year}'} "
                f"(EUR {_eur(other.amount_eur)}, vanaf {other.valid_from_text}); per jaar en zonder jaar tegelijk zou dubbel tellen. "
                "Zet dat bedrag eerst op 0 of kies hetzelfde soort jaar."
            )
    if not errors and stage == BudgetStage.DISBURSED and amount_eur > 0:
        end = periods.period_end(valid_from, valid_from_precision)
        on_day = {(e.stage, e.year): e.amount_eur for items in current_entries(end, projects=[project]).values() for e in items}
        on_day[(stage, year)] = amount_eur
        committed = sum(v for (s, _), v in on_day.items() if s == BudgetStage.COMMITTED)
        disbursed = sum(v for (s, _), v in on_day.items() if s == BudgetStage.DISBURSED)
        if counted(0, committed, disbursed).overpaid:
            errors["amount_eur"] = (
                f"Uitbetaald zou dan EUR {_eur(disbursed)} zijn, meer dan de EUR {_eur(committed)} die op {end:%d-%m-%Y} is toegezegd; "
                "leg eerst de toezegging (het bindende besluit) vast."
            )
    if errors:
        raise ValidationError(errors)
    e = BudgetEntry(
        project=project, stage=stage, year=year, amount_eur=float(amount_eur), valid_from=valid_from, valid_from_precision=valid_from_precision,
        document=document, source=source, note=note, case_key=case_key, recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    e.full_clean(exclude=["recorded_by"])
    e.save()
    year_text = f" ({year})" if year else ""
    _history_note(trajectory, f"Budget: {BudgetStage(stage).label.lower()}{year_text} EUR {_eur(amount_eur)} voor {project.name}, vanaf {e.valid_from_text}"
                  + (f". {note}" if note else ""), valid_from, valid_from_precision, e.source_text, actor)
    return e
