"""The bridge from the register of figures to a project's own commitment columns.

Some screens and totals still read a project's columns (``co2_reduction_t``, ``support_max_eur``, …)
instead of asking the register as of a date. Until they all ask the register, the columns are written
from the register only, never by hand or from a file: each is the register's *current* internal
figure of that quantity (the latest ``valid_from`` up to today), through the project service. The
one value of a range is its lower bound, of "at most" its upper bound ("ten hoogste"); the source
text names the documents the current figures come from.
"""

from __future__ import annotations

from django.utils import timezone

from maatwerk.finance import projects

#: register quantity → project column
COLUMNS = {
    "co2_reduction_t_per_year": "co2_reduction_t",
    "additional_reduction_t_per_year": "additional_reduction_public_t",
    "dispensation_rights_t": "dispensation_rights_t",
    "nox_reduction_t_per_year": "nox_reduction_t",
    "nh3_reduction_t_per_year": "nh3_reduction_t",
    "water_reduction_m3_per_year": "water_m3",
    "gas_reduction_m3_per_year": "gas_m3",
    "investment_eur": "investment_eur",
    "support_max_eur": "support_max_eur",
}


def commitment_values(project) -> dict:
    """The columns as the register's current internal figures of ``project`` give them (today)."""
    from maatwerk.figures.models import PublicationState
    from maatwerk.figures.selectors import current, source_text, value

    today = timezone.localdate()
    held = {
        quantity: figure
        for (company_id, project_id, quantity), figure in current(as_of=today, audience="internal", companies=[project.trajectory.company_id]).items()
        if project_id == project.pk
    }
    values = {column: (value(held[q]).single if q in held else None) for q, column in COLUMNS.items()}
    reduction = held.get("co2_reduction_t_per_year")
    if reduction is not None and reduction.year:
        values["target_year"] = reduction.year
    if reduction is not None and reduction.base_period:
        values["baseline_period"] = reduction.base_period
    shown = [f for q, f in held.items() if q in COLUMNS]
    published = [f for f in shown if f.state == PublicationState.PUBLISHED]
    values["figures_published"] = bool(shown) and len(published) == len(shown)
    values["figures_published_on"] = max((f.published_on for f in published), default=None) if values["figures_published"] else None
    docs = {f.source_id: f.source for f in sorted(shown, key=lambda f: (f.valid_from, f.pk))}
    values["public_source"] = "; ".join(source_text(d) for d in docs.values() if d.confidentiality == "public")
    return values


def commitments_from_register(project, actor=None):
    """Write the project's commitment columns from the register (through the project service)."""
    return projects.update_project(project, commitment_values(project), actor=actor)
