"""The register's filters (a GET form) keep what was typed too (issue 15, "a test per form")."""

from ..html_forms import read


def test_register_filters_keep_every_choice_when_one_is_invalid(users, client):
    response = client.get("/register/", {"country": "NL", "by": "installation", "sector": "industry", "top": "nul"})
    assert response.status_code == 200
    page = read(response)
    values = next(v for v in page.forms.values() if "top" in v)
    assert values["top"] == "nul" and values["by"] == "installation" and values["sector"] == "industry" and values["country"] == "NL"
    assert "Aantal" in response.content.decode()  # the error names the field by its Dutch label
    assert any("getal" in text.lower() for text in page.texts.values()), "the error is shown"
