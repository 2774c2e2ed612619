"""Reading the programme's budget stages and expected phases as of a date.

The budget stages (reserved, committed, disbursed) are :class:`~maatwerk.programme.models.BudgetEntry`
records. Everything that shows or totals the State's money per project, company or budget reads them
here, so every consumer counts the same way (:func:`maatwerk.engine.budget.counted`): a binding decision
supersedes the JLoI's reservation of the same project, disbursed money is part of the committed money,
and each project draws from exactly one budget (:func:`budget_for`).

``audience``:

- ``"internal"`` (default): every entry whose day has come (``counts_from <= as_of``);
- ``"public"``: only entries whose source is a published public document (published by ``as_of``). An
  entry with only a text source, or an internal or confidential document, changes no public figure.
  Public pages read these through :mod:`maatwerk.portal.public`, which also leaves out companies that
  may not be named.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import timezone

from maatwerk.engine import budget as budget_rule
from maatwerk.engine import workflow
from maatwerk.finance.models import Project

from .models import Budget, BudgetEntry, BudgetStage, PhaseExpectation

AUDIENCES = ("internal", "public")


def _day(as_of: dt.date | None) -> dt.date:
    return as_of or timezone.localdate()


def is_public_entry(entry: BudgetEntry, as_of: dt.date) -> bool:
    """Whether the public may know this entry on ``as_of``: its source is a published public document,
    published by then (its publication day, else the last possible day of its date)."""
    doc = entry.document
    if doc is None or not doc.is_public:
        return False
    public_since = doc.published_on or doc.latest_date
    return public_since is not None and public_since <= as_of


def current_entries(
    as_of: dt.date | None = None, *, audience: str = "internal", projects=None, exclude_trajectories=()
) -> dict[int, list[BudgetEntry]]:
    """Per project id, the entry that holds on ``as_of`` (None: today) for each series (stage, year):
    among the entries the audience may see whose day has come, the latest ``counts_from``, ties by the
    later recorded (a correction of the same day wins). A series whose current amount is 0 is retracted
    and left out."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience is 'internal' of 'public', niet {audience!r}")
    day = _day(as_of)
    qs = BudgetEntry.objects.filter(valid_from__lte=day).select_related("project__trajectory__company", "document")
    if projects is not None:
        qs = qs.filter(project__in=projects)
    if exclude_trajectories:
        qs = qs.exclude(project__trajectory__in=list(exclude_trajectories))
    best: dict[tuple, BudgetEntry] = {}
    for e in qs:
        if e.counts_from > day or (audience == "public" and not is_public_entry(e, day)):
            continue
        key = (e.project_id, e.stage, e.year)
        held = best.get(key)
        if held is None or (e.counts_from, e.recorded_at, e.pk) > (held.counts_from, held.recorded_at, held.pk):
            best[key] = e
    out: dict[int, list[BudgetEntry]] = defaultdict(list)
    for (project_id, _, _), e in sorted(best.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0)):
        if e.amount_eur > 0:
            out[project_id].append(e)
    return dict(out)


@dataclass
class ProjectSupport:
    """The State's money for one project on ``as_of``, counted once (see :mod:`maatwerk.engine.budget`)."""

    project: Project
    entries: list[BudgetEntry]
    stated: dict[str, float]  # per stage: what its current entries say (summed over the years)
    counted: budget_rule.Counted

    @property
    def company(self):
        return self.project.trajectory.company

    @property
    def stage(self) -> str:
        """The furthest stage with money: disbursed, committed or reserved."""
        if self.counted.disbursed_eur > 0:
            return BudgetStage.DISBURSED
        if self.counted.committed_eur > 0:
            return BudgetStage.COMMITTED
        return BudgetStage.RESERVED

    @property
    def by_year(self) -> dict[tuple[str, int | None], float]:
        return {(e.stage, e.year): e.amount_eur for e in self.entries}

    @property
    def sources(self) -> list[str]:
        seen: list[str] = []
        for e in self.entries:
            if e.source_text and e.source_text not in seen:
                seen.append(e.source_text)
        return seen


def project_support(as_of: dt.date | None = None, *, audience: str = "internal", projects=None, exclude_trajectories=()) -> list[ProjectSupport]:
    """Every project with a current budget entry on ``as_of``, with its counted stages (leaving out the
    projects of ``exclude_trajectories``, e.g. companies that may not be named in public)."""
    entries = current_entries(as_of, audience=audience, projects=projects, exclude_trajectories=exclude_trajectories)
    out = []
    for items in entries.values():
        stated = {stage: sum(e.amount_eur for e in items if e.stage == stage) for stage in BudgetStage.values}
        counted = budget_rule.counted(stated[BudgetStage.RESERVED], stated[BudgetStage.COMMITTED], stated[BudgetStage.DISBURSED])
        out.append(ProjectSupport(items[0].project, items, stated, counted))
    return sorted(out, key=lambda s: (s.company.name, s.project.name))


def support_by_company(as_of: dt.date | None = None, *, audience: str = "internal", exclude_trajectories=()) -> list[dict]:
    """Per company with money on ``as_of`` (the reporting issue's overview "steun per bedrijf"): one row

    ``{"company": Company, "company_name": str, "reserved_eur": float, "committed_eur": float,
    "disbursed_eur": float, "claimed_eur": float, "superseded_reserved_eur": float, "stage": str,
    "sources": [str], "projects": [ProjectSupport], "overpaid": bool}``

    with the counted amounts summed over the company's projects: ``reserved_eur`` only for projects
    without a commitment, ``disbursed_eur`` is part of ``committed_eur``, ``claimed_eur`` = reserved +
    committed; ``superseded_reserved_eur`` is the reservation a commitment replaced (not counted);
    ``stage`` the furthest stage of any project (``BudgetStage`` codes). Sorted by company name."""
    rows: dict[int, dict] = {}
    for s in project_support(as_of, audience=audience, exclude_trajectories=exclude_trajectories):
        row = rows.setdefault(s.company.pk, {
            "company": s.company, "company_name": s.company.name, "reserved_eur": 0.0, "committed_eur": 0.0, "disbursed_eur": 0.0,
            "claimed_eur": 0.0, "superseded_reserved_eur": 0.0, "stage": BudgetStage.RESERVED, "sources": [], "projects": [],
            "overpaid": False,
        })
        c = s.counted
        row["reserved_eur"] += c.reserved_eur
        row["committed_eur"] += c.committed_eur
        row["disbursed_eur"] += c.disbursed_eur
        row["claimed_eur"] += c.claimed_eur
        row["superseded_reserved_eur"] += c.superseded_reserved_eur
        row["overpaid"] |= c.overpaid
        row["projects"].append(s)
        row["sources"] += [x for x in s.sources if x not in row["sources"]]
        order = [BudgetStage.RESERVED, BudgetStage.COMMITTED, BudgetStage.DISBURSED]
        row["stage"] = max(row["stage"], s.stage, key=order.index)
    return sorted(rows.values(), key=lambda r: r["company_name"])


# --- which budget a project draws from ----------------------------------------------------------------


def scope_rank(budget: Budget, company) -> int | None:
    """How specifically ``budget`` covers ``company``: 3 names the company, 2 its sector ("sector:X"),
    1 the whole programme (""); None: it does not cover it ("-" is a separate instrument, shown for
    reference, that covers no project)."""
    if budget.scope == "-":
        return None
    if budget.scope == "":
        return 1
    if budget.scope.startswith("sector:"):
        return 2 if company.sector == budget.scope.split(":", 1)[1] else None
    return 3 if company.name == budget.scope else None


def budget_for(company, budgets) -> Budget | None:
    """The one budget a company's projects draw from: the most specific that covers it (its own, then
    its sector's, then the programme's), among equals the first by name. One budget only, so a project
    that a company-specific budget covers does not count again in the programme-wide reservation."""
    ranked = [(rank, b.name, b) for b in budgets if (rank := scope_rank(b, company)) is not None]
    if not ranked:
        return None
    return min(ranked, key=lambda t: (-t[0], t[1]))[2]


@dataclass
class BudgetUse:
    rows: list[dict]
    unassigned: list[ProjectSupport] = field(default_factory=list)  # projects with money that no budget covers
    as_of: dt.date | None = None


def budget_stages(as_of: dt.date | None = None, *, audience: str = "internal", exclude_trajectories=()) -> BudgetUse:
    """Per budget on ``as_of``: the counted reserved, committed and disbursed money of the projects that
    draw from it (:func:`budget_for`), what they claim together (reserved + committed), what is left and
    the share claimed. Each row: ``{"budget", "reference", "reserved_eur", "committed_eur",
    "disbursed_eur", "claimed_eur", "free_eur", "share", "projects"}``; ``reference`` rows (scope "-")
    carry no projects."""
    day = as_of or timezone.localdate()
    # a budget exists from the day its source established it: Tata's EUR 2 bn not before its JLoI
    budgets = [b for b in Budget.objects.all() if b.established_on is None or b.established_on <= day]
    support = project_support(as_of, audience=audience, exclude_trajectories=exclude_trajectories)
    members: dict[int, list[ProjectSupport]] = defaultdict(list)
    unassigned = []
    for s in support:
        b = budget_for(s.company, budgets)
        if b is None:
            unassigned.append(s)
        else:
            members[b.pk].append(s)
    rows = []
    for b in budgets:
        projects = members.get(b.pk, [])
        reserved = sum(s.counted.reserved_eur for s in projects)
        committed = sum(s.counted.committed_eur for s in projects)
        disbursed = sum(s.counted.disbursed_eur for s in projects)
        claimed = reserved + committed
        rows.append({
            "budget": b, "reference": b.scope == "-", "reserved_eur": reserved, "committed_eur": committed, "disbursed_eur": disbursed,
            "claimed_eur": claimed, "free_eur": b.amount_eur - claimed, "share": claimed / b.amount_eur if b.amount_eur else None,
            "projects": projects,
        })
    return BudgetUse(rows, unassigned, as_of)


# --- expected phases ------------------------------------------------------------------------------------


def current_expectations(as_of: dt.date | None = None, trajectories=None) -> list[PhaseExpectation]:
    """Per trajectory and phase, the expectation that holds on ``as_of`` (None: today): the latest
    ``stated_on`` by then, ties by the later recorded."""
    day = _day(as_of)
    qs = PhaseExpectation.objects.filter(stated_on__lte=day).select_related("trajectory__company", "document", "recorded_by")
    if trajectories is not None:
        qs = qs.filter(trajectory__in=trajectories)
    best: dict[tuple, PhaseExpectation] = {}
    for e in qs:
        key = (e.trajectory_id, e.phase)
        held = best.get(key)
        if held is None or (e.stated_on, e.recorded_at, e.pk) > (held.stated_on, held.recorded_at, held.pk):
            best[key] = e
    order = {code: i for i, code in enumerate(workflow.MAIN_LINE)}
    return sorted(best.values(), key=lambda e: (e.trajectory.company.name, order.get(e.phase, 99)))
