"""Issue 12 (security), M7: event payloads are redacted by field, in one function for page and API."""

import pytest
from django.urls import reverse

from maatwerk.trajectories import permissions, services
from maatwerk.trajectories.models import Event

from ..helpers import trajectory

MARKER = "financiële zekerheden VERTROUWELIJK-ZK-4471"


@pytest.fixture
def edited(users):
    anqore = trajectory("AnQore")
    services.edit(anqore, {"financial_securities": MARKER, "top20": True}, actor=users["programme"])
    return anqore


@pytest.mark.parametrize("role", ["province", "company_a", "amvi"])
def test_m7_events_api_redacts_confidential_fields(edited, users, client, role):
    client.force_login(users[role])
    response = client.get(f"/api/v1/trajectories/{edited.pk}/events")
    assert response.status_code == 200
    assert "VERTROUWELIJK-ZK-4471" not in response.content.decode()
    edits = [e for e in response.json() if e["kind"] == "edit" and "financial_securities" in e["payload"].get("changed", {})]
    assert edits and edits[-1]["payload"]["changed"]["financial_securities"] == [permissions.REDACTED, permissions.REDACTED]
    assert edits[-1]["payload"]["changed"]["top20"][1] is True  # a field the role may see keeps its values
    page = client.get(reverse("trajectories:detail", args=[edited.pk])).content.decode()
    assert "VERTROUWELIJK-ZK-4471" not in page


def test_m7_programme_sees_the_payload_and_the_stored_event_is_untouched(edited, users, client):
    client.force_login(users["programme"])
    assert "VERTROUWELIJK-ZK-4471" in client.get(f"/api/v1/trajectories/{edited.pk}/events").content.decode()
    events = list(Event.objects.filter(trajectory=edited, kind="edit"))
    shown = permissions.visible_events(users["province"], events)
    assert "VERTROUWELIJK" not in str([e.payload for e in shown])
    assert MARKER in str([e.payload for e in events])  # copies were redacted, not the given objects


def test_m7_document_event_note_hidden_in_api_like_the_page(users, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    anqore = trajectory("AnQore")
    services.add_document(anqore, "negotiation", "Mandaat GEHEIM-MANDAAT-31", "confidential", actor=users["programme"])
    for role in ("province", "company_a", "amvi"):
        client.force_login(users[role])
        body = client.get(f"/api/v1/trajectories/{anqore.pk}/events").content.decode()
        page = client.get(reverse("trajectories:detail", args=[anqore.pk])).content.decode()
        assert "GEHEIM-MANDAAT-31" not in body and "GEHEIM-MANDAAT-31" not in page, role
