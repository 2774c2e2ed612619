"""The site's shell (issue 15): role-aware menu, landing page per role, error pages in the layout,
footer pages, self-hosted typeface and API docs that need no CDN."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from ..helpers import trajectory

ROLES = ("nobody", "company_a", "company_b", "amvi", "province", "programme")
FOOTER = {"/over-deze-site/": "Over deze site", "/privacy/": "Privacy", "/cookies/": "Cookies",
          "/toegankelijkheid/": "Toegankelijkheid", "/contact/": "Contact"}


def nav_links(html: str) -> list[str]:
    nav = re.search(r'<ul class="site-nav" id="site-nav">(.*?)</ul>', html, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"', nav)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ("anonymous", *ROLES))
def test_every_menu_item_opens_for_the_role_that_sees_it(role, users, client):
    if role != "anonymous":
        client.force_login(users[role])
    links = nav_links(client.get("/").content.decode())
    assert links
    for url in links:
        if url == reverse("login"):
            continue
        response = client.get(url)
        assert response.status_code == 200, (role, url, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, shown, hidden",
    [
        ("anonymous", {"/documenten/", "/register/", "/kamerbrieven/"}, {"/programma/", "/monitoring/", "/trajecten/", "/projecten/", "/rapportage/",
                                                        "/cijfers/te-publiceren/"}),
        ("company_a", {"/projecten/", "/documenten/", "/register/", "/cijfers/bedrijven/anqore/"},
         {"/programma/", "/monitoring/", "/rapportage/", "/cijfers/te-publiceren/"}),
        ("amvi", {"/trajecten/"}, {"/programma/", "/monitoring/", "/projecten/", "/rapportage/", "/cijfers/te-publiceren/"}),
        ("province", {"/trajecten/", "/projecten/"}, {"/programma/", "/monitoring/", "/rapportage/", "/cijfers/te-publiceren/"}),
        ("programme", {"/trajecten/", "/projecten/", "/programma/", "/monitoring/", "/rapportage/",
                       "/cijfers/te-publiceren/"}, set()),
    ],
)
def test_menu_shows_a_role_only_what_it_may_open(role, shown, hidden, users, client):
    if role != "anonymous":
        client.force_login(users[role])
    links = set(nav_links(client.get("/").content.decode()))
    assert shown <= links, shown - links
    assert not (hidden & links), hidden & links


@pytest.mark.django_db
def test_company_menu_names_its_own_trajectory_and_amvi_menu_what_was_put_to_it(users, client):
    client.force_login(users["company_a"])
    html = client.get("/").content.decode()
    assert f'<a href="/trajecten/{trajectory("AnQore").pk}/">Mijn traject</a>' in html
    client.force_login(users["amvi"])
    assert '<a href="/trajecten/">Voorgelegd aan de AMVI</a>' in client.get("/").content.decode()


@pytest.mark.django_db
def test_current_menu_item_is_marked_for_screen_readers(users, client):
    client.force_login(users["programme"])
    html = client.get("/programma/aannames/").content.decode()
    assert '<a href="/programma/" aria-current="page">Programma</a>' in html
    assert html.count('aria-current="page"') == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, landing",
    [
        ("anonymous", lambda: "/"),
        ("nobody", lambda: "/"),
        ("company_a", lambda: f"/trajecten/{trajectory('AnQore').pk}/"),
        ("amvi", lambda: "/trajecten/"),
        ("province", lambda: "/trajecten/"),
        ("programme", lambda: "/programma/"),
    ],
)
def test_start_sends_each_role_to_its_landing_page(role, landing, users, client):
    if role != "anonymous":
        client.force_login(users[role])
    response = client.get("/start/")
    assert response.status_code == 302
    assert response["Location"] == landing()


@pytest.mark.django_db
def test_login_lands_the_company_on_its_trajectory(users, client, settings):
    assert settings.LOGIN_REDIRECT_URL == "/start/"
    response = client.post("/inloggen/", {"username": "t-anqore", "password": "a-long-test-password"}, follow=True)
    chain = [url for url, _ in response.redirect_chain]
    assert "/start/" in chain
    assert response.request["PATH_INFO"] in (f"/trajecten/{trajectory('AnQore').pk}/", "/tweestaps/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ("nobody", "company_a", "amvi", "province"))
def test_programme_page_refusal_is_a_dutch_page_in_the_layout(role, users, client):
    client.force_login(users[role])
    response = client.get("/programma/", HTTP_REFERER="http://testserver/register/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Forbidden" not in html
    assert '<html lang="nl">' in html and 'class="site-footer"' in html
    assert "<h1 class=\"utrecht-heading-1\">Geen toegang</h1>" in html
    assert "Het programmadashboard is voor het programmateam." in html  # the view's own reason
    assert 'href="http://testserver/register/">Terug naar de vorige pagina' in html
    assert "Naar uw startpagina" in html


@pytest.mark.django_db
def test_back_link_never_points_off_site(users, client):
    client.force_login(users["amvi"])
    html = client.get("/programma/", HTTP_REFERER="https://evil.example/phish").content.decode()
    assert "evil.example" not in html
    assert "Terug naar de vorige pagina" not in html


@pytest.mark.django_db
def test_unknown_page_is_a_dutch_404_in_the_layout(client, db):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina niet gevonden" in html and 'class="site-footer"' in html and "Not Found" not in html


@pytest.mark.django_db
def test_server_error_is_a_dutch_page_that_needs_no_database(client, db, django_assert_num_queries):
    from django.test import RequestFactory

    from maatwerk.core.views import server_error

    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Er ging iets mis" in html and 'class="site-footer"' in html and '<html lang="nl">' in html


@pytest.mark.django_db
def test_csrf_refusal_is_a_dutch_page_in_the_layout(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/inloggen/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Het formulier is verlopen" in html and "CSRF" not in html and 'class="site-footer"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("url, label", FOOTER.items())
def test_footer_links_to_each_mandatory_page_and_it_opens(url, label, client, db):
    home = client.get("/").content.decode()
    footer = home.split('class="site-footer"', 1)[1]
    assert f'<a href="{url}">{label}</a>' in footer
    page = client.get(url)
    assert page.status_code == 200
    assert f"<h1 class=\"utrecht-heading-1\">{label}</h1>" in page.content.decode()


@pytest.mark.django_db
def test_contact_page_shows_the_configured_address_only(client, settings):
    settings.MAATWERK_CONTACT_EMAIL = ""
    assert "mailto:" not in client.get("/contact/").content.decode()
    settings.MAATWERK_CONTACT_EMAIL = "maatwerk@example.org"
    assert 'href="mailto:maatwerk@example.org"' in client.get("/contact/").content.decode()


def test_typeface_is_self_hosted_and_set_in_the_stylesheet():
    css_path = finders.find("maatwerk/maatwerk.css")
    css = open(css_path, encoding="utf-8").read()
    fonts = re.findall(r'url\("\.\./(vendor/noto-sans/[^"]+\.woff2)"\)', css)
    assert fonts
    for font in fonts:
        assert finders.find(font), f"{font} is not among the static files (npm ci?)"
    assert re.search(r'body \{[^}]*font-family: var\(--mw-font\)', css)
    assert '--mw-font: "Noto Sans"' in css
    assert "RijksoverheidSans" not in css


def test_header_has_a_wordmark_and_a_skip_link(client, db):
    html = client.get("/").content.decode()
    assert html.index('class="skip-link" href="#main"') < html.index('<header')
    assert 'class="wordmark__bar"' in html and "Maatwerk</span> <span class=\"wordmark__subtitle\">verduurzaming industrie" in html
    assert 'id="main"' in html
    assert "rhc-logo" not in html  # not the Rijksoverheid logo component


@pytest.mark.django_db
@pytest.mark.parametrize("url, role", [("/api/v1/docs", "programme"), ("/api/public/v1/docs", None)])
def test_api_docs_load_swagger_from_our_static_files_without_inline_script(url, role, users, client):
    if role:
        client.force_login(users[role])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    for attributes, body in scripts:
        if 'type="application/json"' in attributes:
            continue  # data, not executed
        assert "src=" in attributes and not body.strip(), attributes  # no inline script: the CSP forbids it
        src = re.search(r'src="([^"]+)"', attributes).group(1)
        assert src.startswith("/static/"), src  # no CDN
        assert finders.find(src.removeprefix("/static/")), src
    for href in re.findall(r'<link[^>]*href="([^"]+)"', html):
        assert href.startswith(("/static/", "data:")), href
    assert "cdn.jsdelivr" not in html and "unpkg" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
