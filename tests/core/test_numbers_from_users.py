"""Numbers typed by users: '²' passes str.isdigit and 30 digits overflow a database key; both mean "not found"."""

import pytest

from maatwerk.core.forms import plain_int
from maatwerk.finance.decks import find_deck
from maatwerk.finance.models import PriceDeck, Project
from maatwerk.finance.selectors import NotFound as ProjectNotFound
from maatwerk.finance.selectors import find_project
from maatwerk.trajectories.selectors import NotFound as TrajectoryNotFound
from maatwerk.trajectories.selectors import find_trajectory

ODD = ["²", "1²", "٣", "9" * 30, "-1", "1.0", " ", ""]


@pytest.mark.parametrize("text", ODD)
def test_plain_int_refuses_what_is_not_a_plain_key(text):
    assert plain_int(text) is None


def test_plain_int_reads_plain_numbers():
    assert [plain_int(t) for t in ("0", "42", "007", "9" * 18)] == [0, 42, 7, int("9" * 18)]


@pytest.mark.parametrize("text", ["²", "9" * 30])
def test_finders_say_not_found(demo, text):
    with pytest.raises(TrajectoryNotFound):
        find_trajectory(text)
    with pytest.raises(ProjectNotFound):
        find_project(text)
    with pytest.raises(PriceDeck.DoesNotExist, match="geen geldig versienummer"):
        find_deck(f"AFRY@{text}")


@pytest.mark.parametrize("year", ["²", "9" * 30, "٢٠٣٠"])
def test_the_dashboard_ignores_an_odd_year(users, client, year):
    client.force_login(users["programme"])
    response = client.get("/programma/", {"jaar": year})
    assert response.status_code == 200 and response.context["year"] is None


def test_the_evaluation_api_refuses_an_odd_deck_version(users, client):
    client.force_login(users["programme"])
    project = Project.objects.first()
    response = client.get(f"/api/v1/projects/{project.pk}/evaluation", {"deck": "AFRY@" + "9" * 30})
    assert response.status_code == 404 and "versienummer" in response.json()["detail"]
