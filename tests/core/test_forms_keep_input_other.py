"""The two forms outside the case work keep what was typed too (issue 15, "a test per form"): the
register's filters (a GET form) and the second-factor code."""

from django.test import override_settings

from .test_forms_keep_input import read


def test_register_filters_keep_every_choice_when_one_is_invalid(users, client):
    response = client.get("/register/", {"country": "NL", "by": "installation", "sector": "industry", "top": "nul"})
    assert response.status_code == 200
    page = read(response)
    values = next(v for v in page.forms.values() if "top" in v)
    assert values["top"] == "nul" and values["by"] == "installation" and values["sector"] == "industry" and values["country"] == "NL"
    assert "Aantal" in response.content.decode()  # the error names the field by its Dutch label
    assert any("getal" in text.lower() for text in page.texts.values()), "the error is shown"


@override_settings(REQUIRE_2FA=True)
def test_second_factor_code_is_kept_with_its_error(users, client):
    client.force_login(users["programme"])
    client.get("/tweestaps/")  # enrolment: a device to confirm
    response = client.post("/tweestaps/", {"token": "12ab"})
    assert response.status_code == 200
    values = next(v for v in read(response).forms.values() if "token" in v)
    assert values["token"] == "12ab"
    assert "Zes cijfers." in response.content.decode()
