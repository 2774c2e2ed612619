"""Issue 15, point 4, the milestone and outlook-assumption edit pages: refused input is kept, errors are
shown next to their field (see tests/trajectories/test_forms_keep_input.py)."""

import pytest
from django.urls import reverse

from maatwerk.programme.models import Milestone, OutlookAssumptions

from ..html_forms import assert_error_next_to, assert_kept, read


def test_milestone_form_keeps_input(users, client):
    client.force_login(users["programme"])
    m = Milestone.objects.order_by("pk").first()
    typed = {"planned": "2027-13-45", "forecast": "2028-06-30", "note": "Vergunning vertraagd", "source": "Brief van 3 maart"}
    response = client.post(reverse("programme:milestone_edit", args=[m.pk]), {**typed, "version": m.version})
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "bewerken", {**typed, "planned": "2027-13-45"})
    assert_error_next_to(page, "id_planned", "maand 13 bestaat niet")


def test_milestone_dates_are_shown_in_iso(users, client):
    client.force_login(users["programme"])
    m = Milestone.objects.order_by("pk").first()
    shown = read(client.get(reverse("programme:milestone_edit", args=[m.pk]))).forms["bewerken"]
    assert shown["planned"] == m.planned.isoformat()


def test_assumptions_form_takes_chances_as_percentages_and_keeps_input(users, client):
    client.force_login(users["programme"])
    current = OutlookAssumptions.current()
    if current.pk is None:
        current.save()
    url = reverse("programme:assumptions")
    typed = {"kans_eop_signed": "60", "kans_exploration": "", "delay_mean_years": "-1", "reduction_sd": "0,1", "additional_share_when_unknown": "0"}
    response = client.post(url, {**typed, "version": current.version})
    assert response.status_code == 422
    page = read(response)
    assert_kept(page, "bewerken", typed)
    assert_error_next_to(page, "id_delay_mean_years", "Tussen 0 en 20")
    assert client.post(url, {**typed, "delay_mean_years": "1,5", "version": current.version}).status_code == 302
    current.refresh_from_db()
    assert current.conversion_overrides == {"eop_signed": pytest.approx(0.6)} and current.delay_mean_years == 1.5
    assert read(client.get(url)).forms["bewerken"]["kans_eop_signed"] == "60"
