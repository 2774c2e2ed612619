"""Reading the register: which record of each series holds on a day, for an audience (issue 13).

A *series* is (company, project or None, quantity). Its records are never changed; on a day one of
them holds, chosen by :func:`current`:

* ``audience="public"``: records that are ``published``, ``public``, with a public source document
  (:attr:`Document.is_public`), ``published_on <= as_of`` and ``valid_from <= as_of``: what the
  public record said that day. With ``known_at`` also only what had been published in the system
  by then (``published_at <= known_at``), so a letter regenerated later reads what it read then;
* ``audience="internal"``: records in any state and of any confidentiality with
  ``valid_from <= as_of``; with ``known_at`` only those recorded by then (``recorded_at <= known_at``).

Among those the latest ``valid_from`` wins; on the same day the latest ``recorded_at`` (a correction
of the same day wins), then the highest pk. Who may *see* a record is not decided here but in
:mod:`maatwerk.figures.permissions`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from maatwerk.engine.ranges import Value
from maatwerk.trajectories.models import Confidentiality, Document

from .models import Figure, PublicationState

if TYPE_CHECKING:
    from maatwerk.finance.models import Project
    from maatwerk.registry.models import Company

PUBLIC, INTERNAL = "public", "internal"
AUDIENCES = (PUBLIC, INTERNAL)

SeriesKey = tuple[int, int | None, str]


def _ids(things: Iterable[Any]) -> list:
    return [getattr(t, "pk", t) for t in things]


def candidates(
    *,
    as_of: dt.date,
    audience: str,
    known_at: dt.datetime | None = None,
    companies: Iterable[Any] | None = None,
    quantities: Iterable[str] | None = None,
    among: QuerySet[Figure] | None = None,
) -> QuerySet[Figure]:
    """Every record that may hold on ``as_of`` for ``audience`` (before choosing one per series)."""
    if audience not in AUDIENCES:
        raise ValueError(f"audience is 'public' of 'internal', niet {audience!r}")
    qs = (Figure.objects.all() if among is None else among).filter(valid_from__lte=as_of)
    if audience == PUBLIC:
        qs = qs.filter(
            state=PublicationState.PUBLISHED,
            confidentiality=Confidentiality.PUBLIC,
            source__published=True,
            source__confidentiality=Confidentiality.PUBLIC,
            published_on__lte=as_of,
        )
        if known_at is not None:
            qs = qs.filter(published_at__lte=known_at, recorded_at__lte=known_at)
    elif known_at is not None:
        qs = qs.filter(recorded_at__lte=known_at)
    if companies is not None:
        qs = qs.filter(company__in=_ids(companies))
    if quantities is not None:
        qs = qs.filter(quantity__in=list(quantities))
    return qs


def series_key(figure: Figure) -> SeriesKey:
    return (figure.company_id, figure.project_id, figure.quantity)


def _precedence(figure: Figure) -> tuple:
    return (figure.valid_from, figure.recorded_at, figure.pk)


def current(
    *,
    as_of: dt.date,
    audience: str,
    known_at: dt.datetime | None = None,
    companies: Iterable[Any] | None = None,
    quantities: Iterable[str] | None = None,
    among: QuerySet[Figure] | None = None,
) -> dict[SeriesKey, Figure]:
    """The record that holds per series on ``as_of`` for ``audience`` (see the module docstring).

    ``among``: choose only among these records (e.g. ``figures.permissions.visible_figures(user)``
    for an internal page: a user is shown the latest record it may see)."""
    qs = candidates(as_of=as_of, audience=audience, known_at=known_at, companies=companies, quantities=quantities, among=among)
    holding: dict[SeriesKey, Figure] = {}
    for figure in qs.select_related("source", "project", "company").order_by():
        key = series_key(figure)
        if key not in holding or _precedence(figure) > _precedence(holding[key]):
            holding[key] = figure
    return holding


def value(figure: Figure) -> Value:
    """The record's value for the engine (``engine.ranges``): what the document said, with its
    qualifier; an exact or about value has ``high == low``."""
    if figure.qualifier in ("exact", "about"):
        return Value(figure.low, figure.low, figure.qualifier)  # one amount: low = high
    return Value(figure.low, figure.high, figure.qualifier)


def source_text(doc: Document) -> str:
    """A source document as a reader finds it: title, date as precise as it is known, reference
    ("Joint Letter of Intent Royal Cosun, 23 juni 2025, Kamerstuk …")."""
    from maatwerk.core.templatetags.maatwerk import datum_nauwkeurig

    when = datum_nauwkeurig(doc.document_date, doc.date_precision) if doc.document_date else ""
    return ", ".join(p for p in (doc.title, when, doc.reference) if p)


def history(company: Company | None = None, project: Project | None = None) -> QuerySet[Figure]:
    """Every record (any state), in series order and per series in order of precedence, for the
    register's pages; ``company``/``project`` narrow it (a project's page: only that project)."""
    qs = Figure.objects.select_related(
        "company", "project", "source", "supersedes", "recorded_by", "proposed_by", "published_by"
    )
    if company is not None:
        qs = qs.filter(company=getattr(company, "pk", company))
    if project is not None:
        qs = qs.filter(project=getattr(project, "pk", project))
    return qs.order_by("company__name", "company_id", "project__name", "project_id", "quantity", "valid_from", "recorded_at", "pk")


def superseded_ids(figures: Iterable[Figure]) -> set[int]:
    """The pks among ``figures`` that another record replaces (explicitly, by ``supersedes``)."""
    ids = {f.pk for f in figures}
    return set(Figure.objects.filter(supersedes__in=ids).values_list("supersedes_id", flat=True))


def queue() -> QuerySet[Figure]:
    """Figures proposed for publication, oldest proposal first (the programme team's queue)."""
    return (
        Figure.objects.filter(state=PublicationState.PROPOSED)
        .select_related("company", "project", "source", "recorded_by", "proposed_by")
        .order_by("proposed_at", "pk")
    )


def for_series(key: SeriesKey) -> Q:
    company_id, project_id, quantity = key
    return Q(company_id=company_id, project_id=project_id, quantity=quantity)
