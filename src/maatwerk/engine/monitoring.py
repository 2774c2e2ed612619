"""Monitoring rules: status of a milestone and of emissions against the agreed path (pure functions).

- milestone: ``late`` when the planned date passed without an actual date and the slip (forecast or
  today minus planned) exceeds the tolerance; ``at_risk`` when the forecast slips but within the
  tolerance, or has not been updated although the planned date is near; otherwise ``on_track``.
  A planned date known to a month or a year ("vanaf 2026") is the period's last day here: nothing is
  late before the period is over (see :mod:`maatwerk.engine.periods`);
- expected phase ("bindende afspraak verwacht september 2025"): ``late`` when the trajectory did not
  reach the phase (or a later one on the main line) by the end of the expected period; ``done`` once
  reached; ``lapsed`` when the trajectory stopped or paused;
- emissions: ``off_path`` when a reported year lies above the agreed path by more than the tolerance
  share (an alert), else ``on_path``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .periods import DAY, describe, period_end

ON_TRACK, AT_RISK, LATE, DONE, LAPSED = "on_track", "at_risk", "late", "done", "lapsed"
STATUS_LABELS = {ON_TRACK: "op schema", AT_RISK: "risico", LATE: "te laat", DONE: "gerealiseerd", LAPSED: "vervallen"}


def _days(n: int) -> str:
    return "1 dag" if n == 1 else f"{n} dagen"


@dataclass(frozen=True)
class Status:
    code: str
    reason: str

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.code, self.code)


def milestone_status(
    planned: dt.date,
    forecast: dt.date | None,
    actual: dt.date | None,
    today: dt.date,
    tolerance_days: int = 90,
    planned_precision: str = DAY,
    forecast_precision: str = DAY,
) -> Status:
    """The status of one milestone on ``today``. Slips are counted from the last day of the planned
    period (the day itself for a day) to the last day of the forecast period, or to today once the
    planned period is over."""
    end = period_end(planned, planned_precision)
    shown = describe(planned, planned_precision)
    if actual is not None:
        slip = (actual - end).days
        return Status(DONE, f"gerealiseerd op {actual:%d-%m-%Y}" + (f", {_days(slip)} na plan" if slip > 0 else ""))
    expected = period_end(forecast, forecast_precision) if forecast else end
    slip = (max(expected, today) - end).days if today > end else (expected - end).days
    if slip > tolerance_days:
        after = "de geplande datum" if planned_precision == DAY else "het einde van de geplande periode"
        return Status(LATE, f"{_days(slip)} na {after} {shown} (tolerantie {_days(tolerance_days)})")
    if slip > 0:
        return Status(AT_RISK, f"prognose {_days(slip)} na plan, binnen de tolerantie van {_days(tolerance_days)}")
    return Status(ON_TRACK, f"gepland {shown}" + (f", prognose {describe(forecast, forecast_precision)}" if forecast else ""))


def expected_phase_status(
    phase_label: str,
    expected: dt.date,
    precision: str,
    today: dt.date,
    *,
    reached: bool,
    reached_on: dt.date | None = None,
    stopped: str = "",
) -> Status:
    """Whether a trajectory reached an expected phase in time, on ``today``.

    ``reached``: the trajectory's derived state on ``today`` holds the phase or a later phase of the
    main line (``reached_on`` its day, or latest possible day, when known); ``stopped``: the Dutch name
    of the exit phase it is in (withdrawn, paused, no potential), else "". Late only after the last day
    of the expected period, without tolerance: the expectation is itself the period."""
    end = period_end(expected, precision)
    shown = describe(expected, precision)
    if reached:
        if reached_on is None:
            return Status(DONE, f"{phase_label} bereikt (datum onbekend); verwacht {shown}")
        later = (reached_on - end).days
        return Status(DONE, f"{phase_label} bereikt op {reached_on:%d-%m-%Y}" + (f", {_days(later)} na de verwachting {shown}" if later > 0 else ""))
    if stopped:
        return Status(LAPSED, f"{phase_label} was verwacht {shown}; het traject is nu: {stopped}")
    if today > end:
        return Status(LATE, f"{phase_label} verwacht {shown}, niet bereikt ({_days((today - end).days)} na het einde van die periode)")
    return Status(ON_TRACK, f"{phase_label} verwacht {shown}")


def agreed_path_t(baseline_t: float, reduction_t: float, first_year_at_target: int, year: int) -> float:
    """The agreed emissions: the baseline until the first year at target, then baseline − reduction."""
    return baseline_t - reduction_t if year >= first_year_at_target else baseline_t


def emissions_status(path: dict[int, float], reported: dict[int, float], tolerance_share: float = 0.05) -> Status:
    above = {y: (reported[y] - path[y]) / path[y] for y in sorted(reported) if y in path and path[y] > 0 and reported[y] > path[y] * (1 + tolerance_share)}
    if above:
        worst = max(above, key=lambda y: above[y])
        return Status(LATE, f"emissies {worst} liggen {above[worst]:.0%} boven het afgesproken pad (tolerantie {tolerance_share:.0%})")
    return Status(ON_TRACK, "emissies binnen het afgesproken pad" if reported else "nog geen rapportage")
