"""The register's filter errors name the fields by their Dutch label, one per line (issue 15: "year: … keuze.top: …")."""

import re

from django.urls import reverse

from tests.portal.test_pages_speak_dutch import visible_text


def test_filter_error_summary_names_fields_by_dutch_label(demo, client):
    response = client.get(reverse("registry:ranking"), {"country": "NL", "year": "1700", "top": "0"})
    html = response.content.decode()
    alert = re.search(r'<div class="utrecht-alert utrecht-alert--error" role="alert">(.*?)</div>', html, re.S).group(1)
    text = visible_text(alert)
    assert re.search(r"Jaar ?: Selecteer een geldige keuze", text) and re.search(r"Aantal ?: ", text), text
    assert not re.search(r"\b(year|top|country|by|sector):", text), text
    assert alert.count("<li>") == 2  # one item per field, not run together
    assert '<a href="#id_year">Jaar</a>' in alert
