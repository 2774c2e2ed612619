"""Monitoring rules: status of a milestone and of emissions against the agreed path (pure functions).

- milestone: ``late`` when the planned date passed without an actual date and the slip (forecast or
  today minus planned) exceeds the tolerance; ``at_risk`` when the forecast slips but within the
  tolerance, or has not been updated although the planned date is near; otherwise ``on_track``;
- emissions: ``off_path`` when a reported year lies above the agreed path by more than the tolerance
  share (an alert), else ``on_path``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ON_TRACK, AT_RISK, LATE, DONE = "on_track", "at_risk", "late", "done"
STATUS_LABELS = {ON_TRACK: "op schema", AT_RISK: "risico", LATE: "te laat", DONE: "gerealiseerd"}


@dataclass(frozen=True)
class Status:
    code: str
    reason: str

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.code, self.code)


def milestone_status(planned: dt.date, forecast: dt.date | None, actual: dt.date | None, today: dt.date, tolerance_days: int = 90) -> Status:
    if actual is not None:
        slip = (actual - planned).days
        return Status(DONE, f"gerealiseerd op {actual:%d-%m-%Y}" + (f", {slip} dagen na plan" if slip > 0 else ""))
    expected = forecast or planned
    slip = (max(expected, today) - planned).days if today > planned else (expected - planned).days
    if slip > tolerance_days:
        return Status(LATE, f"{slip} dagen na de geplande datum {planned:%d-%m-%Y} (tolerantie {tolerance_days} dagen)")
    if slip > 0:
        return Status(AT_RISK, f"prognose {slip} dagen na plan, binnen de tolerantie van {tolerance_days} dagen")
    return Status(ON_TRACK, f"gepland {planned:%d-%m-%Y}" + (f", prognose {forecast:%d-%m-%Y}" if forecast else ""))


def agreed_path_t(baseline_t: float, reduction_t: float, first_year_at_target: int, year: int) -> float:
    """The agreed emissions: the baseline until the first year at target, then baseline − reduction."""
    return baseline_t - reduction_t if year >= first_year_at_target else baseline_t


def emissions_status(path: dict[int, float], reported: dict[int, float], tolerance_share: float = 0.05) -> Status:
    above = {y: (reported[y] - path[y]) / path[y] for y in sorted(reported) if y in path and path[y] > 0 and reported[y] > path[y] * (1 + tolerance_share)}
    if above:
        worst = max(above, key=lambda y: above[y])
        return Status(LATE, f"emissies {worst} liggen {above[worst]:.0%} boven het afgesproken pad (tolerantie {tolerance_share:.0%})")
    return Status(ON_TRACK, "emissies binnen het afgesproken pad" if reported else "nog geen rapportage")
