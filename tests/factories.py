"""Model factories: the few rows a test needs, so that only tests about the demo's facts load the demo.

Plain functions: each builds one record with defaults that pass the model's own validation and takes
any field as a keyword. History goes through the project's services (an event is written the way
every route writes it: phases with ``transition``, a gate the test data cannot satisfy passed by a
recorded exception with its source, as the demo's case files do; notes with ``note``, documents with
``add_document``), so the rows look like those a user would have made. Names are unique per call.
"""

from __future__ import annotations

import datetime as dt
import itertools

from maatwerk.engine import workflow
from maatwerk.finance.models import BusinessCase, Project
from maatwerk.programme.models import Milestone
from maatwerk.registry.models import Company
from maatwerk.trajectories import services
from maatwerk.trajectories.models import Document, Event, Trajectory

_numbers = itertools.count(1)


def company(name: str | None = None, **fields) -> Company:
    """A company in the programme (slug from its name)."""
    fields.setdefault("in_programme", True)
    fields.setdefault("source", "testgegevens")
    return Company.objects.create(name=name or f"Testbedrijf {next(_numbers)} B.V.", **fields)


def trajectory(company_: Company | None = None, *, phase: str = workflow.EXPLORATION, since: dt.date = dt.date(2024, 1, 15), **fields) -> Trajectory:
    """A trajectory of ``company_`` (a new company when None). With ``phase``: every main-line move up to it
    on ``since``, through ``services.transition``; a gate condition the bare test record does not meet is
    passed by a recorded exception whose source is one public document of the trajectory."""
    t = Trajectory.objects.create(company=company_ or company(), **fields)
    if phase != workflow.EXPLORATION:
        if phase not in workflow.MAIN_LINE:
            raise ValueError(f"{phase!r} is not on the main line; record an exit with services.transition")
        source = None
        for to in workflow.MAIN_LINE[1:workflow.MAIN_LINE.index(phase) + 1]:
            exceptions = None
            if services.failing_conditions(t, to):
                source = source or document(t, title="Openbaar dossier (testgegevens)", document_date=since)
                exceptions = services.GateExceptions("Testgegevens: de poortvoorwaarden worden niet nagebootst.", source)
            services.transition(t, to, since, source="testgegevens", exceptions=exceptions)
            t.refresh_from_db()
    return t


def project(trajectory_: Trajectory | None = None, **fields) -> Project:
    """A project with a target year, a CO2 reduction and a baseline (no business case: see :func:`business_case`).

    Its commitment figures (``co2_reduction_t``, ``support_max_eur``, …) are also recorded in the
    register of figures, as every consumer reads them there (:func:`register`): exact values, valid
    from ``figures_valid_from`` (default 1 January 2024); published, from a published public source,
    when ``figures_published`` is true (on ``figures_published_on``, default the valid-from day)."""
    valid_from = fields.pop("figures_valid_from", dt.date(2024, 1, 1))
    values = {
        "name": f"Testproject {next(_numbers)}",
        "target_year": 2030,
        "co2_reduction_t": 100_000.0,
        "baseline_emissions_t": 500_000.0,
        "public_source": "testgegevens",
    }
    values.update(fields)
    p = Project.objects.create(trajectory=trajectory_ or trajectory(), **values)
    from maatwerk.casefiles.commitments import COLUMNS

    amounts = {quantity: values[column] for quantity, column in COLUMNS.items() if values.get(column) is not None}
    if amounts:
        register(p, amounts, valid_from=valid_from, published=bool(values.get("figures_published")),
                 published_on=values.get("figures_published_on"), year=values.get("target_year"))
    return p


def register(project_: Project, amounts: dict[str, float], *, valid_from: dt.date = dt.date(2024, 1, 1), published: bool = False,
             published_on: dt.date | None = None, year: int | None = None, qualifier: str = "exact", confidentiality: str = "public"):
    """Record ``amounts`` (register quantity → value) for ``project_`` through the register's services:
    one source document of ``valid_from`` (public and published when ``published``, else internal), a
    figure per quantity; published by a programme-team member with ``published``. Returns the figures."""
    from django.contrib.auth import get_user_model

    from maatwerk.accounts.models import Membership, Role
    from maatwerk.figures import services as figure_services

    company_ = project_.trajectory.company
    user, created = get_user_model().objects.get_or_create(username="t-factory-programme")
    if created:
        Membership.objects.create(user=user, role=Role.PROGRAMME)
    source = services.add_document(
        project_.trajectory, "other", f"Bron van testcijfers {next(_numbers)}", "public" if published else "internal",
        document_date=valid_from, published=published, source="testgegevens",
    )
    out = []
    for quantity, amount in amounts.items():
        low, high = (None, amount) if qualifier == "at_most" else (amount, None if qualifier in ("at_least", "more_than") else amount)
        figure = figure_services.record_figure(
            company=company_, project=project_, quantity=quantity, low=low, high=high, qualifier=qualifier,
            year=year if quantity.endswith("_per_year") else None, source=source, valid_from=valid_from,
            confidentiality=confidentiality if published or confidentiality != "public" else "internal", actor=None,
        )
        if published:
            figure = figure_services.publish_from_case_file(figure, user, published_on)
        out.append(figure)
    return out


def business_case(project_: Project | None = None, **fields) -> BusinessCase:
    """A small, valid business case: two build years, ten years of operation, 7% hurdle rate."""
    values = {
        "start_year": 2025,
        "lifetime_years": 10,
        "hurdle_rate": 0.07,
        "capex_schedule": [60e6, 40e6],
        "opex_delta_eur_per_year": 1e6,
        "ets_covered_reduction_t_per_year": 100_000.0,
    }
    values.update(fields)
    return BusinessCase.objects.create(project=project_ or project(), **values)


def milestone(project_: Project | None = None, **fields) -> Milestone:
    values = {"kind": "fid", "planned": dt.date(2027, 6, 30), "source": "testgegevens"}
    values.update(fields)
    return Milestone.objects.create(project=project_ or project(), **values)


def document(trajectory_: Trajectory | None = None, *, actor=None, **fields) -> Document:
    """A document recorded through ``services.add_document`` (the system as actor: accepted), with its event."""
    values = {
        "doc_type": "other",
        "title": f"Testdocument {next(_numbers)}",
        "confidentiality": "public",
        "document_date": dt.date(2024, 3, 1),
        "source": "testgegevens",
    }
    values.update(fields)
    return services.add_document(trajectory_ or trajectory(), actor=actor, **values)


def event(trajectory_: Trajectory | None = None, text: str = "Overleg met het bedrijf", date: dt.date | None = dt.date(2024, 2, 1), **fields) -> Event:
    """A note in the trajectory's history (``services.note``)."""
    return services.note(trajectory_ or trajectory(), text, date, **fields)
