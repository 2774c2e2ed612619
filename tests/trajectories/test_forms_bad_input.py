"""Bad input on the trajectory forms: a clear message naming the field, and nothing written."""

import pytest
from django.urls import reverse

from maatwerk.trajectories.models import AmviAdvice, Event, ParliamentNotice

from ..helpers import trajectory

AMVI_OK = {
    "concept_submitted_on": "2026-01-05",
    "advice_date": "2026-02-05",
    "feasibility": "positive",
    "cost_effectiveness": "positive",
    "ambition": "conditional",
    "summary": "Positief.",
    "items": "voorwaarde: iets\nadvies: iets anders",
}


@pytest.mark.parametrize(
    "change,message",
    [
        ({"advice_date": "2025-12-01"}, "Het advies kan niet vóór het voorleggen"),
        ({"items": "wens: iets"}, "Regel 1 begint niet met"),
        ({"feasibility": "geweldig"}, "Haalbaarheid"),
        ({"advice_date": "31-02-2026"}, "Datum advies"),
        ({"not_after": "2025"}, "laat leeg als de datum precies bekend is"),  # a summary may be unknown now (issue 13); a bound beside a day may not
    ],
)
def test_amvi_advice_form(users, client, change, message):
    client.force_login(users["programme"])
    oci = trajectory("OCI Nitrogen")
    before = (AmviAdvice.objects.count(), Event.objects.count())
    page = client.post(reverse("trajectories:amvi_advice", args=[oci.pk]), {**AMVI_OK, **change}, follow=True).content.decode()
    assert "AMVI-advies niet opgeslagen" in page and message in page
    assert (AmviAdvice.objects.count(), Event.objects.count()) == before


def test_amvi_advice_form_saves_good_input(users, client):
    client.force_login(users["amvi"])
    anqore = trajectory("AnQore")
    client.post(reverse("trajectories:amvi_advice", args=[anqore.pk]), AMVI_OK)
    advice = AmviAdvice.objects.filter(trajectory=anqore).latest("pk")
    assert sorted(i.kind for i in advice.items.all()) == ["advice", "condition"]


@pytest.mark.parametrize("kamerstuk", ["29826", "nr. 197", "29826-", "abc-12"])
def test_parliament_form_refuses_bad_kamerstuk(users, client, kamerstuk):
    client.force_login(users["programme"])
    anqore = trajectory("AnQore")
    before = ParliamentNotice.objects.count()
    page = client.post(reverse("trajectories:parliament", args=[anqore.pk]), {"informed_on": "2025-07-10", "kamerstuk": kamerstuk}, follow=True)
    assert "dossier-volgnummer" in page.content.decode()
    assert ParliamentNotice.objects.count() == before
    client.post(reverse("trajectories:parliament", args=[anqore.pk]), {"informed_on": "2025-07-10", "kamerstuk": "29826-197"})
    assert ParliamentNotice.objects.count() == before + 1
