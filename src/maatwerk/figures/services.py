"""Writing the register: record a figure, propose it, publish it with four eyes (issue 13).

Every function here is one transaction and writes one trajectory :class:`Event` (kind ``figure`` for
a record, dated its ``valid_from``; ``publication`` for a proposal or publication of a figure or a
document, dated the day of that act, the day it became public in the payload's ``published_on``), so
each step shows in the trajectory's history. An event never carries a figure's value: its payload names the
figure, its source document, its confidentiality and the step, so what a role sees of it is decided
like for the figure itself (:func:`maatwerk.trajectories.permissions.visible_events`).

Refusals:

* :class:`NotAllowed` (a ``PermissionDenied``): the user's role may not do this (403);
* :class:`PublicationRefused` (a ``ValidationError``): a rule of publication (four eyes, a source that
  is not public, a step already taken) (409);
* ``ValidationError`` with a field → message dict: the input itself is wrong (422).

Four eyes: a figure or document is published by a programme-team member other than the one who
proposed it, or, when nobody proposed it, other than the one who recorded (uploaded) it; only when
its source is public. Company users and provinces record and propose, never publish. The one
exception is :func:`publish_from_case_file`: a case file is the reviewed public record, so what it
marks published is published by the programme-team member who reads it in, and the event says so.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from maatwerk.core.dates import happened_date_error
from maatwerk.finance import bounds
from maatwerk.trajectories import permissions as trajectory_permissions
from maatwerk.trajectories.models import Confidentiality, Document, Event, EventKind, ReviewStatus, Trajectory

from . import permissions
from .models import UNITS, Figure, PublicationState, Quantity, qualifier_error

#: plausible amounts per unit (quantities in the register are non-negative)
UNIT_BOUNDS = {
    "t CO2/jr": bounds.TONNES,
    "t CO2": bounds.TONNES,
    "t NOx/jr": bounds.TONNES,
    "t NH3/jr": bounds.TONNES,
    "EUR": bounds.EUROS,
    "m3/jr": bounds.VOLUME_M3,
    "%": (0.0, 100.0),
    "jaar": (1990.0, 2100.0),
    "MW": (0.0, 1e6),
}
YEARS = (1990, 2100)

CASE_FILE_NOTE = "gepubliceerd bij inlezen casusbestand"


class NotAllowed(PermissionDenied):
    """The user's role may not take this step (403)."""


class PublicationRefused(ValidationError):
    """A rule of publication refuses the step (four eyes, source not public, step already taken) (409)."""


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _name(actor) -> str:
    actor = _user(actor)
    return actor.get_username() if actor is not None else "systeem"


def _lock_trajectory(company_id: int) -> Trajectory:
    return Trajectory.objects.select_for_update().get(company_id=company_id)


def _event(trajectory, kind, actor, date, *, note, source="", payload) -> Event:
    return Event.objects.create(
        trajectory=trajectory,
        kind=kind,
        effective_date=date,
        actor=_user(actor),
        actor_name=_name(actor),
        note=note,
        source=source,
        payload=payload,
    )


def _figure_payload(figure: Figure, step: str, **extra) -> dict:
    """What an event says about a figure: never its value (see the module docstring)."""
    return {
        "figure": figure.pk,
        "document": figure.source_id,
        "confidentiality": figure.confidentiality,
        "quantity": figure.quantity,
        "project": figure.project_id,
        "step": step,
        **extra,
    }


def _subject(figure_or_project, quantity: str) -> str:
    label = str(Quantity(quantity).label) if quantity in Quantity.values else quantity
    project = getattr(figure_or_project, "project", figure_or_project)
    return f"{label}" + (f" ({project.name})" if project is not None else "")


def _number_errors(unit: str, low, high) -> dict[str, str]:
    lo, hi = UNIT_BOUNDS.get(unit, (0.0, 1e12))
    errors = {}
    for field, label, number in (("low", "Waarde of ondergrens", low), ("high", "Bovengrens", high)):
        if number is None:
            continue
        problem = bounds.number_problem(number, lo, hi)
        if problem:
            errors[field] = f"{label}: {problem} ({unit})."
    return errors


# --- recording -----------------------------------------------------------------------------------


def record_figure(
    *,
    company,
    project=None,
    quantity: str,
    low: float | None,
    high: float | None,
    qualifier: str,
    year: int | None = None,
    base_period: str = "",
    source: Document,
    valid_from: dt.date,
    note: str = "",
    confidentiality: str,
    supersedes: Figure | None = None,
    case_key: str = "",
    actor,
) -> Figure:
    """Record a figure as its source states it (state draft). See the module docstring for refusals."""
    user = _user(actor)
    if user is not None and not permissions.can_record(user, company):
        raise NotAllowed("U mag voor dit bedrijf geen cijfers vastleggen.")
    errors: dict[str, str] = {}
    if quantity not in Quantity.values:
        errors["quantity"] = f"Onbekende grootheid {quantity!r}."
    unit = UNITS.get(quantity, "")
    for field, number in (("low", low), ("high", high)):
        if number is not None and (isinstance(number, bool) or not isinstance(number, (int, float))):
            errors[field] = f"{number!r} is geen getal."
    if not errors:
        errors |= _number_errors(unit, low, high)
        errors |= {k: v for k, v in qualifier_error(qualifier, low, high).items() if k not in errors}
    if year is not None and not (YEARS[0] <= year <= YEARS[1]):
        errors["year"] = f"Jaar {year} ligt buiten {YEARS[0]}–{YEARS[1]}."
    if confidentiality not in Confidentiality.values:
        errors["confidentiality"] = f"Onbekende vertrouwelijkheid {confidentiality!r}."
    if len(base_period) > 20:
        errors["base_period"] = "Ten opzichte van: ten hoogste 20 tekens (bijv. 2018-2021)."
    if source is None:
        errors["source"] = "Kies het brondocument."
    else:
        if source.trajectory.company_id != company.pk:
            errors["source"] = f"Het document “{source.title}” hoort niet bij het traject van {company}."
        elif user is not None and not trajectory_permissions.can_view_document(user, source):
            errors["source"] = "U mag dit brondocument niet zien; kies een ander."
        elif source.confidentiality == Confidentiality.CONFIDENTIAL and confidentiality != Confidentiality.CONFIDENTIAL:
            errors["confidentiality"] = f"Het brondocument “{source.title}” is vertrouwelijk; een cijfer eruit is dat ook."
    implausible = happened_date_error(valid_from, "Geldig vanaf") if isinstance(valid_from, dt.date) else "Geldig vanaf: geef een datum."
    if implausible:
        errors["valid_from"] = implausible
    elif source is not None and source.document_date and valid_from < source.document_date:
        errors["valid_from"] = (
            f"Geldig vanaf ({valid_from:%d-%m-%Y}) ligt vóór de datum van het brondocument ({source.document_date:%d-%m-%Y})."
        )
    if project is not None and project.trajectory.company_id != company.pk:
        errors["project"] = f"Het project {project} hoort niet bij {company}."
    if supersedes is not None:
        if (supersedes.company_id, supersedes.project_id, supersedes.quantity) != (company.pk, getattr(project, "pk", None), quantity):
            errors["supersedes"] = "Een cijfer vervangt alleen een cijfer van dezelfde reeks (bedrijf, project en grootheid)."
        elif (later := Figure.objects.filter(supersedes=supersedes).first()) is not None:
            errors["supersedes"] = f"Dat cijfer is al vervangen (door cijfer {later.pk}); vervang het nieuwste."
    if case_key and Figure.objects.filter(company=company, case_key=case_key).exists():
        errors["case_key"] = f"Er is al een cijfer met sleutel {case_key!r} bij {company}."
    if errors:
        raise ValidationError(errors)
    if qualifier in ("exact", "about"):
        high = low  # one value: low = high (as in the case file)
    with transaction.atomic():
        trajectory = _lock_trajectory(company.pk)
        figure = Figure(
            company=company,
            project=project,
            quantity=quantity,
            unit=unit,
            qualifier=qualifier,
            low=None if low is None else float(low),
            high=None if high is None else float(high),
            year=year,
            base_period=base_period,
            source=source,
            valid_from=valid_from,
            note=note,
            confidentiality=confidentiality,
            supersedes=supersedes,
            case_key=case_key,
            recorded_by=user,
        )
        figure.save()
        _event(
            trajectory,
            EventKind.FIGURE,
            actor,
            valid_from,
            note=f"Cijfer vastgelegd: {_subject(project, quantity)}" + (" (correctie of vervanging)" if supersedes else ""),
            source=source.title,
            payload=_figure_payload(figure, "recorded", supersedes=getattr(supersedes, "pk", None)),
        )
        return figure


# --- publication of figures ------------------------------------------------------------------------


def _locked_figure(figure: Figure) -> tuple[Trajectory, Figure]:
    # FOR UPDATE OF the figure's own row: PostgreSQL refuses to lock the nullable side of the outer
    # join to its project
    trajectory = _lock_trajectory(figure.company_id)
    return trajectory, Figure.objects.select_for_update(of=("self",)).select_related("source", "project", "company").get(pk=figure.pk)


def _sync(target: Figure, fresh: Figure) -> Figure:
    for f in ("state", "proposed_by_id", "proposed_at", "published_by_id", "published_at", "published_on"):
        setattr(target, f, getattr(fresh, f))
    return target


def four_eyes_refusal(*, actor, proposed_by_id, recorded_by_id, what: str = "cijfer") -> str | None:
    """Why ``actor`` may not publish (the four-eyes rule), or None when they may."""
    actor = _user(actor)
    if actor is None:
        return f"Publiceren vraagt een lid van het programmateam; het {what} is niet gepubliceerd."
    if proposed_by_id is not None:
        if proposed_by_id == actor.pk:
            return f"U heeft dit {what} voorgesteld; een ander lid van het programmateam publiceert het."
        return None
    if recorded_by_id is not None and recorded_by_id == actor.pk:
        return f"U heeft dit {what} vastgelegd; een ander lid van het programmateam publiceert het."
    return None


def propose(figure: Figure, actor) -> Figure:
    """Propose a figure for publication (draft → proposed)."""
    with transaction.atomic():
        trajectory, fresh = _locked_figure(figure)
        if _user(actor) is not None and not permissions.can_propose(actor, fresh.company):
            raise NotAllowed("U mag voor dit bedrijf geen cijfers voorstellen.")
        if fresh.state != PublicationState.DRAFT:
            raise PublicationRefused(f"Dit cijfer is al {fresh.get_state_display().lower()}.")
        if fresh.confidentiality != Confidentiality.PUBLIC:
            raise PublicationRefused(
                {"confidentiality": f"Alleen een openbaar cijfer kan worden voorgesteld; dit cijfer is {fresh.get_confidentiality_display().lower()}."}
            )
        fresh.state, fresh.proposed_by, fresh.proposed_at = PublicationState.PROPOSED, _user(actor), timezone.now()
        fresh.save(update_fields=["state", "proposed_by", "proposed_at"])
        _event(
            trajectory, EventKind.PUBLICATION, actor, timezone.localdate(),
            note=f"Cijfer voorgesteld voor publicatie: {_subject(fresh, fresh.quantity)}", source=fresh.source.title,
            payload=_figure_payload(fresh, "proposed"),
        )
        return _sync(figure, fresh)


def _default_published_on(figure: Figure) -> dt.date:
    """The day a figure became public: the later of its ``valid_from`` and its source's publication."""
    days = [figure.valid_from] + ([figure.source.published_on] if figure.source.published_on else [])
    return min(max(days), timezone.localdate())


def _publishable(fresh: Figure, published_on) -> dt.date:
    if fresh.state == PublicationState.PUBLISHED:
        raise PublicationRefused("Dit cijfer is al gepubliceerd.")
    if fresh.confidentiality != Confidentiality.PUBLIC:
        raise PublicationRefused(f"Alleen een openbaar cijfer wordt gepubliceerd; dit cijfer is {fresh.get_confidentiality_display().lower()}.")
    if not fresh.source.is_public:
        raise PublicationRefused(
            f"Het brondocument “{fresh.source.title}” is nog niet openbaar; publiceer eerst het document, dan het cijfer."
        )
    published_on = published_on or _default_published_on(fresh)
    implausible = happened_date_error(published_on, "Openbaar sinds")
    if implausible:
        raise ValidationError({"published_on": implausible})
    return published_on


def _published(trajectory, fresh: Figure, actor, published_on, *, note: str, **extra):
    fresh.state, fresh.published_by, fresh.published_at, fresh.published_on = (
        PublicationState.PUBLISHED, _user(actor), timezone.now(), published_on,
    )
    fresh.save(update_fields=["state", "published_by", "published_at", "published_on"])
    _event(
        trajectory, EventKind.PUBLICATION, actor, timezone.localdate(),
        note=note, source=fresh.source.title,
        payload=_figure_payload(fresh, "published", published_on=published_on.isoformat(), **extra),
    )


def publish(figure: Figure, actor, published_on: dt.date | None = None) -> Figure:
    """Publish a figure (draft or proposed → published) with four eyes and a public source.

    ``published_on``: the day it became public; by default the later of ``valid_from`` and the
    source's publication day."""
    with transaction.atomic():
        trajectory, fresh = _locked_figure(figure)
        if _user(actor) is None or not permissions.can_publish(actor):
            raise NotAllowed("Alleen het programmateam publiceert cijfers.")
        refusal = four_eyes_refusal(actor=actor, proposed_by_id=fresh.proposed_by_id, recorded_by_id=fresh.recorded_by_id)
        if refusal:
            raise PublicationRefused(refusal)
        day = _publishable(fresh, published_on)
        _published(trajectory, fresh, actor, day, note=f"Cijfer gepubliceerd: {_subject(fresh, fresh.quantity)}")
        return _sync(figure, fresh)


def publish_from_case_file(figure: Figure, actor, published_on: dt.date | None = None) -> Figure:
    """Publish a figure that a case file marks published, by the programme-team member reading it in.

    The exception to four eyes (the case file is the reviewed public record), recorded as such in the
    event. Idempotent: a figure already published is returned unchanged, without a new event."""
    with transaction.atomic():
        trajectory, fresh = _locked_figure(figure)
        if _user(actor) is None or not permissions.can_publish(actor):
            raise NotAllowed("Alleen het programmateam leest casusbestanden in en publiceert daarbij cijfers.")
        if fresh.state == PublicationState.PUBLISHED:
            return _sync(figure, fresh)
        day = _publishable(fresh, published_on)
        _published(
            trajectory, fresh, actor, day,
            note=f"Cijfer {CASE_FILE_NOTE}: {_subject(fresh, fresh.quantity)}", case_file=True,
        )
        return _sync(figure, fresh)


# --- publication of documents (as sources) -----------------------------------------------------------


def _locked_document(document: Document) -> tuple[Trajectory, Document]:
    trajectory = Trajectory.objects.select_for_update().get(pk=document.trajectory_id)
    return trajectory, Document.objects.select_for_update().get(pk=document.pk)


def _document_refusal(doc: Document) -> str | None:
    if doc.published:
        return f"“{doc.title}” is al gepubliceerd."
    if doc.status == ReviewStatus.REJECTED:
        return f"“{doc.title}” is afgewezen; publiceren kan niet."
    if not doc.may_be_published:
        return f"Een {doc.get_doc_type_display().lower()} is altijd vertrouwelijk en wordt nooit gepubliceerd."
    return None


def _document_payload(doc: Document, step: str) -> dict:
    return {"document": doc.pk, "type": doc.doc_type, "step": step}


def propose_document(document: Document, actor) -> Document:
    """Propose a document for publication (as a public source of figures)."""
    with transaction.atomic():
        trajectory, doc = _locked_document(document)
        user = _user(actor)
        if user is not None and not (
            permissions.can_propose(user, trajectory.company) and trajectory_permissions.can_view_document(user, doc)
        ):
            raise NotAllowed("U mag dit document niet voorstellen voor publicatie.")
        refusal = _document_refusal(doc)
        if refusal:
            raise PublicationRefused(refusal)
        if doc.proposed_by_id is not None:
            raise PublicationRefused(f"“{doc.title}” is al voorgesteld voor publicatie.")
        doc.proposed_by, doc.proposed_public = user, True
        doc.save(update_fields=["proposed_by", "proposed_public"])
        _event(
            trajectory, EventKind.PUBLICATION, actor, timezone.localdate(),
            note=f"Document voorgesteld voor publicatie: {doc.title}", payload=_document_payload(doc, "proposed"),
        )
        document.proposed_by_id, document.proposed_public = doc.proposed_by_id, doc.proposed_public
        return doc


def publish_document(document: Document, actor, published_on: dt.date | None = None) -> Document:
    """Publish a document with four eyes: accepted, public and published from ``published_on`` (by
    default the last day its date can be, not after today; today when undated)."""
    with transaction.atomic():
        trajectory, doc = _locked_document(document)
        if _user(actor) is None or not permissions.can_publish(actor):
            raise NotAllowed("Alleen het programmateam publiceert documenten.")
        refusal = _document_refusal(doc) or four_eyes_refusal(
            actor=actor, proposed_by_id=doc.proposed_by_id, recorded_by_id=doc.uploaded_by_id, what="document"
        )
        if refusal:
            raise PublicationRefused(refusal)
        today = timezone.localdate()
        day = published_on or min(doc.latest_date or today, today)
        implausible = happened_date_error(day, "Gepubliceerd op")
        if implausible:
            raise ValidationError({"published_on": implausible})
        doc.status, doc.confidentiality, doc.published = ReviewStatus.ACCEPTED, Confidentiality.PUBLIC, True
        doc.published_on, doc.published_by = day, _user(actor)
        doc.full_clean(exclude=["file"])
        doc.save()
        _event(
            trajectory, EventKind.PUBLICATION, actor, today,
            note=f"Document gepubliceerd: {doc.title}", payload={**_document_payload(doc, "published"), "published_on": day.isoformat()},
        )
        for f in ("status", "confidentiality", "published", "published_on", "published_by_id"):
            setattr(document, f, getattr(doc, f))
        return doc
