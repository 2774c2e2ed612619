"""Bad-input corpus for the edit pages: each bad value is refused with 422 and a message on the field it
concerns, and nothing is written (the stored row is unchanged, its version too)."""

import datetime as dt
import json

import pytest
from django.forms.models import model_to_dict

from maatwerk.accounts.models import Role
from maatwerk.finance.forms import BusinessCaseForm, ProjectForm
from maatwerk.programme.forms import AssumptionsForm, MilestoneForm
from maatwerk.programme.models import OutlookAssumptions

from .. import factories
from ..helpers import make_user

FUTURE = (dt.date.today() + dt.timedelta(days=400)).isoformat()


def _post_of(instance, form_class, **changes):
    """The form as the browser posts it from the stored values, with ``changes`` (None: field left out)."""
    data = {}
    for name, value in model_to_dict(instance, fields=form_class._meta.fields).items():
        if value is None or value is False:
            continue
        if isinstance(value, (list, dict)) and name != "techniques":
            value = json.dumps(value)
        data[name] = value
    data["version"] = instance.version
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@pytest.fixture
def records(db):
    """A project with a business case and a milestone (factories: no demo needed)."""
    project = factories.project(techniques=["electrification"], support_max_eur=20e6, investment_eur=80e6)
    return {"project": project, "case": factories.business_case(project), "milestone": factories.milestone(project)}


def _assumptions():
    current = OutlookAssumptions.current()
    if current.pk is None:
        current.save()
    return current


CASES = [
    # (kind of record, field, bad value (None: left out), part of the message on that field)
    ("project", "name", None, "verplicht"),
    ("project", "baseline_emissions_t", "-1", "niet negatief"),
    ("project", "baseline_emissions_t", "veel", "getal"),
    ("project", "baseline_emissions_t", "1e400", "getal"),
    ("project", "acceleration_years", "-1", "niet negatief"),
    ("project", "levy_regime", "2099", "geen beschikbare keuze"),
    ("project", "techniques", ["kernfusie"], "geen beschikbare keuze"),
    ("project", "version", None, "verplicht"),
    ("project", "version", "-3", "minstens 0"),
    ("case", "start_year", "2101", "tussen 2015 en 2050"),
    ("case", "lifetime_years", "0", "tussen 1 en 60"),
    ("case", "hurdle_rate", "150", "ligt buiten 0% tot 100%"),  # typed as a percentage since issue 15
    ("case", "hurdle_rate", "-1", "ligt buiten 0% tot 100%"),
    ("case", "hurdle_rate", "acht", "percentage"),
    ("case", "capex_schedule", "[1, 2", "JSON"),
    ("case", "capex_schedule", '{"2027": 5}', "niet-lege lijst"),
    ("case", "capex_schedule", "[]", "niet-lege lijst"),
    ("case", "capex_schedule", '[100, "veel"]', "niet-lege lijst"),
    ("milestone", "planned", "2027-13-45", "maand 13 bestaat niet"),
    ("milestone", "planned", None, "verplicht"),
    ("milestone", "actual", FUTURE, "niet in de toekomst"),
    ("milestone", "forecast", "1899-01-01", "buiten 01-01-2000"),
    ("assumptions", "conversion_overrides", "{kapot", "Geen geldige JSON"),
    ("assumptions", "conversion_overrides", "[0.5]", "Geef een object"),
    ("assumptions", "conversion_overrides", '{"onbekend": 0.5}', "Onbekende fase"),
    ("assumptions", "conversion_overrides", '{"eop_signed": 1.5}', "tussen 0 en 1"),
    ("assumptions", "delay_mean_years", "-1", "Tussen 0 en 20"),
    ("assumptions", "additional_share_when_unknown", "1.01", "Tussen 0 en 1"),
    ("assumptions", "reduction_sd", "nan", "getal"),
]


def _record(records, kind):
    """(instance, form class, edit url) of one kind of record; the programme team may edit all of them."""
    if kind == "project":
        p = records["project"]
        return p, ProjectForm, f"/projecten/{p.pk}/bewerken/"
    if kind == "case":
        case = records["case"]
        return case, BusinessCaseForm, f"/projecten/{case.project_id}/businesscase/"
    if kind == "milestone":
        m = records["milestone"]
        return m, MilestoneForm, f"/monitoring/mijlpalen/{m.pk}/"
    a = _assumptions()
    return a, AssumptionsForm, "/programma/aannames/"


@pytest.mark.parametrize("kind,field,value,message", CASES, ids=[f"{c[0]}-{c[1]}-{c[2]!s:.12}" for c in CASES])
def test_bad_value_is_refused_on_its_field_and_nothing_is_written(records, client, kind, field, value, message):
    instance, form_class, url = _record(records, kind)
    model = type(instance)
    before = model.objects.filter(pk=instance.pk).values().get()
    client.force_login(make_user("t-programma", Role.PROGRAMME))
    good = _post_of(instance, form_class)
    bad = _post_of(instance, form_class, **{field: value})
    response = client.post(url, bad)
    assert response.status_code == 422, response.content.decode()[:500]
    errors = response.context["form"].errors
    assert field in errors and message.lower() in " ".join(errors[field]).lower(), errors
    assert model.objects.filter(pk=instance.pk).values().get() == before
    # the same form without the bad value is accepted: the refusal was about that value alone
    assert client.post(url, good).status_code == 302
