"""The mapping screen: the programme team links installations and account holders to companies."""

import pytest

from maatwerk.registry.models import Company, Installation, Operator

ROLES_REFUSED = ("nobody", "company_a", "company_b", "amvi", "province")


def installation_url(i):
    return f"/register/koppelen/installaties/{i.eutl_id}/"


def operator_url(o):
    return f"/register/koppelen/rekeninghouders/{o.pk}/"


def state():
    return (sorted(Installation.objects.values_list("pk", "company_id")), sorted(Operator.objects.values_list("pk", "company_id")),
            sorted(Company.objects.values_list("pk", "name", "slug")))


@pytest.fixture
def programme(users, client):
    client.force_login(users["programme"])
    return client


@pytest.fixture
def unmapped(demo):
    operator = Operator.objects.create(name="Test Rekeninghouder BV", country="NL")
    first = Installation.objects.create(eutl_id="NL-990001", country="NL", name="Testfabriek Noord", operator=operator)
    second = Installation.objects.create(eutl_id="NL-990002", country="NL", name="Testfabriek Zuid", operator=operator)
    return operator, first, second


def test_list_shows_unmapped_installations_of_nl_with_their_company(programme, unmapped):
    operator, first, _ = unmapped
    page = programme.get("/register/koppelen/", {"land": "NL", "zoek": "Test Rekeninghouder", "niet_gekoppeld": "on"})
    text = page.content.decode()
    assert page.status_code == 200 and "NL-990001" in text and "NL-990002" in text and "niet gekoppeld" in text
    assert page.context["page"].paginator.count == 2
    mapped = Installation.objects.exclude(company__isnull=True, operator__company__isnull=True).filter(country="NL").first()
    everything = programme.get("/register/koppelen/", {"zoek": mapped.eutl_id})
    assert mapped.effective_company.name in everything.content.decode()
    default = programme.get("/register/koppelen/")
    assert {i.country for i in default.context["page"].object_list} == {"NL"}


def test_assign_an_existing_company_to_one_installation(programme, unmapped):
    _, first, second = unmapped
    anqore = Company.objects.get(name="AnQore")
    response = programme.post(installation_url(first), {"expected": "", "company": anqore.pk})
    assert response.status_code == 302 and response["Location"] == installation_url(first)
    first.refresh_from_db(), second.refresh_from_db()
    assert first.company_id == anqore.pk and second.company_id is None
    page = programme.get(response["Location"])
    assert "hoort nu bij AnQore" in page.content.decode()


def test_assign_a_new_company_with_name_and_sector(programme, unmapped):
    _, first, _ = unmapped
    response = programme.post(installation_url(first), {"expected": "", "new_name": "Nieuw Chemie B.V.", "new_sector": "industry"})
    assert response.status_code == 302
    company = Company.objects.get(name="Nieuw Chemie B.V.")
    assert company.slug == "nieuw-chemie-bv" and company.sector == "industry"
    first.refresh_from_db()
    assert first.effective_company == company


def test_new_company_gets_a_unique_slug(programme, unmapped):
    _, first, _ = unmapped
    Company.objects.create(name="Slug Test BV", slug="slug-test-bv")
    programme.post(installation_url(first), {"expected": "", "new_name": "Slug Test B.V.", "new_sector": "other"})
    assert Company.objects.get(name="Slug Test B.V.").slug == "slug-test-bv-2"


def test_move_an_installation_to_another_company_and_back(programme, unmapped):
    operator, first, _ = unmapped
    anqore, nobian = Company.objects.get(name="AnQore"), Company.objects.get(name="Nobian")
    Operator.objects.filter(pk=operator.pk).update(company=anqore)
    response = programme.post(installation_url(first), {"expected": anqore.pk, "company": nobian.pk})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.company_id == nobian.pk and first.effective_company == nobian
    # back to the account holder's company: the installation's own link is dropped
    programme.post(installation_url(first), {"expected": nobian.pk, "company": anqore.pk})
    first.refresh_from_db()
    assert first.company_id is None and first.effective_company == anqore


def test_account_holder_bulk_assign_moves_all_its_installations(programme, unmapped):
    operator, first, second = unmapped
    nobian, anqore = Company.objects.get(name="Nobian"), Company.objects.get(name="AnQore")
    Installation.objects.filter(pk=second.pk).update(company=anqore)
    response = programme.post(operator_url(operator), {"expected": "", "company": nobian.pk})
    assert response.status_code == 302 and response["Location"] == operator_url(operator)
    operator.refresh_from_db()
    assert operator.company_id == nobian.pk
    assert [i.effective_company for i in Installation.objects.filter(operator=operator)] == [nobian, nobian]
    assert "horen nu bij Nobian" in programme.get(operator_url(operator)).content.decode()


def test_stale_form_is_refused_and_writes_nothing(programme, unmapped):
    operator, first, _ = unmapped
    anqore, nobian = Company.objects.get(name="AnQore"), Company.objects.get(name="Nobian")
    programme.post(installation_url(first), {"expected": "", "company": anqore.pk})  # first submit
    before = state()
    again = programme.post(installation_url(first), {"expected": "", "new_name": "Dubbel BV", "new_sector": "industry"})
    assert again.status_code == 409 and state() == before
    text = again.content.decode()
    assert "intussen door iemand anders gewijzigd" in text and "AnQore" in text and 'value="Dubbel BV"' in text
    # the account holder: someone linked it meanwhile
    Operator.objects.filter(pk=operator.pk).update(company=nobian)
    before = state()
    refused = programme.post(operator_url(operator), {"expected": "", "company": anqore.pk})
    assert refused.status_code == 409 and state() == before


@pytest.mark.parametrize("name", ["!!!", "   ", "---"])
def test_a_name_without_letters_is_refused_with_the_input_kept(programme, unmapped, name):
    _, first, _ = unmapped
    before = state()
    response = programme.post(installation_url(first), {"expected": "", "new_name": name, "new_sector": "waste"})
    assert response.status_code == 422 and state() == before
    text = response.content.decode()
    if name.strip():
        assert "bevat geen letters of cijfers" in text and f'value="{name}"' in text
    assert '<option value="waste" selected>' in text


def test_new_company_without_sector_and_both_choices_are_refused(programme, unmapped):
    _, first, _ = unmapped
    anqore = Company.objects.get(name="AnQore")
    before = state()
    no_sector = programme.post(installation_url(first), {"expected": "", "new_name": "Zonder Sector BV"})
    both = programme.post(installation_url(first), {"expected": "", "company": anqore.pk, "new_name": "Twee BV", "new_sector": "other"})
    assert no_sector.status_code == 422 and both.status_code == 422 and state() == before
    assert "Kies de sector" in no_sector.content.decode() and 'value="Zonder Sector BV"' in no_sector.content.decode()


@pytest.mark.parametrize("role", ROLES_REFUSED)
def test_other_roles_are_refused_and_nothing_is_written(users, client, unmapped, role):
    operator, first, _ = unmapped
    client.force_login(users[role])
    anqore = Company.objects.get(name="AnQore")
    before = state()
    for url in ("/register/koppelen/", installation_url(first), operator_url(operator)):
        assert client.get(url).status_code == 403, url
    assert client.post(installation_url(first), {"expected": "", "company": anqore.pk}).status_code == 403
    assert client.post(operator_url(operator), {"expected": "", "company": anqore.pk}).status_code == 403
    assert state() == before
    assert "koppelen" not in client.get("/register/").content.decode().lower()


def test_anonymous_is_sent_to_login(client, unmapped):
    _, first, _ = unmapped
    response = client.get(installation_url(first))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_register_page_links_to_the_mapping_screen_for_the_programme_team(programme, unmapped):
    assert 'href="/register/koppelen/"' in programme.get("/register/").content.decode()
