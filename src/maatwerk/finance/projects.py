"""Writing projects: create one under a trajectory, change its description (one service per action).

Each is one transaction on the locked trajectory and appends an event to its history, like every other
write on a case (:func:`maatwerk.trajectories.services.recording`). Views, the API, the case-file
import and the demo come through here.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from maatwerk.trajectories.models import EventKind, Trajectory
from maatwerk.trajectories.services import recording

from .models import Project, Technique

#: the plain fields a project's description consists of (its figures live in the register)
DESCRIPTION_FIELDS = ("name", "description", "techniques")
#: the project's own columns for its commitments: read by the screens and totals that do not yet ask
#: the register of figures (:mod:`maatwerk.figures`); written only from the register's current figures
COMMITMENT_FIELDS = (
    "target_year", "baseline_period", "co2_reduction_t", "additional_reduction_public_t", "dispensation_rights_t", "nox_reduction_t",
    "nh3_reduction_t", "water_m3", "gas_m3", "investment_eur", "support_max_eur", "public_source", "figures_published",
    "figures_published_on",
)


def _checked(values: dict) -> dict:
    errors = {}
    out = {}
    if "name" in values:
        name = (values["name"] or "").strip()
        if not name:
            errors["name"] = "Naam: verplicht."
        elif len(name) > 200:
            errors["name"] = "Naam: ten hoogste 200 tekens."
        out["name"] = name
    if "description" in values:
        out["description"] = (values["description"] or "").strip()
    if "techniques" in values:
        techniques = list(values["techniques"] or [])
        bad = [t for t in techniques if t not in Technique.values]
        if bad:
            errors["techniques"] = f"Technieken: onbekend {', '.join(repr(t) for t in bad)}; kies uit {', '.join(Technique.values)}."
        out["techniques"] = techniques
    if errors:
        raise ValidationError(errors)
    return out


def create_project(trajectory: Trajectory, *, name: str, description: str = "", techniques=(), case_key: str = "", actor=None) -> Project:
    """A new project of ``trajectory`` (its figures are recorded in the register, not here).

    ``case_key``: its key in a case file (unique per trajectory). A ValidationError names each bad field."""
    fields = _checked({"name": name, "description": description, "techniques": techniques})
    if len(case_key) > 40:
        raise ValidationError({"case_key": "Sleutel: ten hoogste 40 tekens."})
    with recording(trajectory, actor) as rec:
        if case_key and Project.objects.filter(trajectory=rec.trajectory, case_key=case_key).exists():
            raise ValidationError({"case_key": f"Er is al een project met sleutel {case_key!r} bij {rec.trajectory.company.name}."})
        project = Project(trajectory=rec.trajectory, case_key=case_key, **fields)
        try:
            project.full_clean(exclude=["trajectory"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        try:
            with transaction.atomic():
                project.save()
        except IntegrityError:
            raise ValidationError({"case_key": f"Er is al een project met sleutel {case_key!r}."}) from None
        rec.event(EventKind.EDIT, when=None, effective_date=_today(), note=f"Project aangemaakt: {project.name}",
                  payload={"project": project.pk, "created": fields})
        return project


def update_project(project: Project, changes: dict, actor=None) -> Project:
    """Change the description of a project (:data:`DESCRIPTION_FIELDS`), or its commitment columns
    (:data:`COMMITMENT_FIELDS`, from the register). An event lists what changed; nothing changes: no event."""
    unknown = set(changes) - set(DESCRIPTION_FIELDS) - set(COMMITMENT_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Onbekend veld van een project."))
    plain = _checked({k: v for k, v in changes.items() if k in DESCRIPTION_FIELDS})
    plain |= {k: v for k, v in changes.items() if k in COMMITMENT_FIELDS}
    with recording(project.trajectory, actor) as rec:
        fresh = Project.objects.select_for_update().get(pk=project.pk)
        diff = {f: [_plain(getattr(fresh, f)), _plain(v)] for f, v in plain.items() if getattr(fresh, f) != v}
        if not diff:
            return fresh
        for f in diff:
            setattr(fresh, f, plain[f])
        try:
            fresh.full_clean(exclude=["trajectory", "decision_deck"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        fresh.version += 1
        fresh.save(update_fields=[*diff, "version"])
        rec.event(EventKind.EDIT, effective_date=_today(), note=f"Project gewijzigd: {fresh.name} ({', '.join(sorted(diff))})",
                  payload={"project": fresh.pk, "changed": diff})
        return fresh


def _plain(value):
    import datetime as dt

    return value.isoformat() if isinstance(value, dt.date) else value


def _today():
    from django.utils import timezone

    return timezone.localdate()


#: a project's inputs of the business-case evaluation that are not figures of the register
EVALUATION_FIELDS = (
    "levy_regime", "baseline_period", "baseline_emissions_t", "acceleration_years", "zzs", "generic_instruments_checked", "financial_securities",
    "legally_required", "state_aid_framework",
)


def set_evaluation_inputs(project: Project, changes: dict, actor=None) -> Project:
    """Change the project's inputs of the evaluation (:data:`EVALUATION_FIELDS`); an event lists which."""
    unknown = set(changes) - set(EVALUATION_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Onbekend invoerveld van de beoordeling."))
    with recording(project.trajectory, actor) as rec:
        fresh = Project.objects.select_for_update().get(pk=project.pk)
        diff = [f for f, v in changes.items() if getattr(fresh, f) != v]
        if not diff:
            return fresh
        for f in diff:
            setattr(fresh, f, changes[f])
        try:
            fresh.full_clean(exclude=["trajectory", "decision_deck"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        fresh.version += 1
        fresh.save(update_fields=[*diff, "version"])
        rec.event(EventKind.EDIT, effective_date=_today(), note=f"Invoer van de beoordeling gewijzigd: {fresh.name}",
                  payload={"project": fresh.pk, "changed_fields": sorted(diff)})
        return fresh


def create_business_case(project: Project, fields: dict, actor=None):
    """Record the project's business case (confidential business information: the event names no figure)."""
    from .models import BusinessCase

    with recording(project.trajectory, actor) as rec:
        if BusinessCase.objects.filter(project=project).exists():
            raise ValidationError({"project": f"{project} heeft al een businesscase; wijzig die."})
        bc = BusinessCase(project=project, updated_by=actor if getattr(actor, "is_authenticated", False) else None, **fields)
        try:
            bc.full_clean(exclude=["project", "updated_by"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        bc.save()
        rec.event(EventKind.EDIT, effective_date=_today(), note=f"Businesscase vastgelegd: {project.name}",
                  payload={"project": project.pk, "business_case": bc.pk})
        return bc
