"""Who sees what: per role, over the web, the API and the download of files."""

import datetime as dt

import pytest
from django.urls import reverse

from maatwerk.trajectories import permissions, services
from maatwerk.trajectories.models import Document

from ..helpers import trajectory

PDF = b"%PDF-1.7\n%%EOF\n"


def names(qs):
    return {t.company.name for t in qs}


def test_programme_sees_everything(users):
    from maatwerk.trajectories.models import Trajectory

    assert permissions.visible_trajectories(users["programme"]).count() == Trajectory.objects.count()
    assert permissions.visible_documents(users["programme"]).count() == Document.objects.count()


def test_company_user_sees_only_own_trajectory_and_business_case(users):
    a = users["company_a"]
    assert names(permissions.visible_trajectories(a)) == {"AnQore"}
    docs = permissions.visible_documents(a)
    business_cases = docs.filter(doc_type="business_case")
    assert {d.trajectory.company.name for d in business_cases} == {"AnQore"}
    # other companies' documents only where published and public
    assert all(d.is_public for d in docs.exclude(trajectory__company__name="AnQore"))
    assert not permissions.can_view_trajectory(a, trajectory("Nobian"))
    assert permissions.can_view_confidential(a, trajectory("AnQore"))
    assert not permissions.can_view_confidential(a, trajectory("Nobian"))


def test_amvi_member_sees_only_what_was_put_to_the_committee(users):
    amvi = users["amvi"]
    visible = names(permissions.visible_trajectories(amvi))
    assert {"AnQore", "Nobian", "Royal Cosun", "Tata Steel Nederland", "Alco Energy Rotterdam"} <= visible
    assert not visible & {"OCI Nitrogen", "Dow Benelux", "Shell Nederland", "AVR", "FrieslandCampina"}
    docs = permissions.visible_documents(amvi)
    assert docs.filter(doc_type="business_case", trajectory__company__name="AnQore").exists()
    assert all(d.is_public for d in docs.exclude(doc_type__in=["concept_jloi", "business_case", "due_diligence", "amvi_advice", "climate_plan"]))


def test_province_sees_own_trajectories_without_confidential_information(users):
    limburg = users["province"]
    assert names(permissions.visible_trajectories(limburg)) == {"AnQore", "OCI Nitrogen"}
    docs = permissions.visible_documents(limburg)
    assert not docs.filter(confidentiality="confidential").exists()
    assert not permissions.can_view_confidential(limburg, trajectory("AnQore"))


@pytest.mark.parametrize("who", ["nobody", None])
def test_public_sees_only_published_documents(users, who):
    from django.contrib.auth.models import AnonymousUser

    user = users[who] if who else AnonymousUser()
    assert permissions.visible_trajectories(user).count() == 0
    docs = permissions.visible_documents(user)
    assert docs.exists() and all(d.published and d.confidentiality == "public" for d in docs)
    assert not docs.filter(doc_type="business_case").exists()


def test_web_pages_follow_the_roles(users, client):
    anqore, nobian = trajectory("AnQore"), trajectory("Nobian")
    board = reverse("trajectories:board")
    assert client.get(board).status_code == 302  # login required
    client.force_login(users["company_a"])
    page = client.get(board).content.decode()
    assert "AnQore" in page and "Nobian" not in page
    assert client.get(reverse("trajectories:detail", args=[anqore.pk])).status_code == 200
    assert client.get(reverse("trajectories:detail", args=[nobian.pk])).status_code == 404
    # a company user may submit documents to their own trajectory, but not move it
    response = client.post(reverse("trajectories:move", args=[anqore.pk]), {"to": "binding_agreement", "date": "2025-09-01", "version": anqore.version})
    assert response.status_code == 403


def test_file_download_is_permission_checked(users, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    doc = services.add_document(trajectory("AnQore"), "business_case", "BC met bestand", "confidential", data=PDF, file_name="bc.pdf")
    # on record before the AMVI's advice (2025-06-23), so put to the committee (issue 12: only such documents)
    Document.objects.filter(pk=doc.pk).update(uploaded_at=dt.datetime(2025, 5, 8, 12, tzinfo=dt.UTC))
    url = reverse("trajectories:download", args=[doc.pk])
    assert client.get(url).status_code == 302
    for who, status in [("company_b", 404), ("province", 404), ("nobody", 404), ("company_a", 200), ("amvi", 200), ("programme", 200)]:
        client.force_login(users[who])
        response = client.get(url)
        assert response.status_code == status, who
        if status == 200:
            assert b"".join(response.streaming_content) == PDF


def test_timeline_hides_titles_of_documents_a_role_may_not_see(users, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    anqore = trajectory("AnQore")
    services.add_document(anqore, "business_case", "Businesscase met geheime titel", "confidential", data=PDF, file_name="bc.pdf")
    client.force_login(users["province"])
    page = client.get(reverse("trajectories:detail", args=[anqore.pk])).content.decode()
    events = client.get(f"/api/v1/trajectories/{anqore.pk}/events").json()
    assert "geheime titel" not in page and "geheime titel" not in str(events)
    assert "niet zichtbaar voor uw rol" in page
    client.force_login(users["company_a"])
    assert "geheime titel" in client.get(reverse("trajectories:detail", args=[anqore.pk])).content.decode()
