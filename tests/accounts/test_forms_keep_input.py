"""The second-factor form keeps what was typed too (issue 15, "a test per form")."""

from django.test import override_settings

from ..html_forms import read


@override_settings(REQUIRE_2FA=True)
def test_second_factor_code_is_kept_with_its_error(users, client):
    client.force_login(users["programme"])
    client.get("/tweestaps/")  # enrolment: a device to confirm
    response = client.post("/tweestaps/", {"token": "12ab"})
    assert response.status_code == 200
    values = next(v for v in read(response).forms.values() if "token" in v)
    assert values["token"] == "12ab"
    assert "Zes cijfers." in response.content.decode()
