"""'Zie ook': a company's trajectory, project, registry and public pages link to each other, each link
shown only to roles that may open its target."""

import re

from maatwerk.finance.models import Project
from maatwerk.trajectories.permissions import can_view_trajectory

from ..helpers import trajectory


def see_also_hrefs(client, url) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    nav = re.search(r'<nav class="see-also".*?</nav>', response.content.decode(), re.S)
    return set(re.findall(r'href="([^"]+)"', nav.group(0))) if nav else set()


def pages_of(name):
    t = trajectory(name)
    slug = t.company.slug
    projects = [f"/projecten/{p.pk}/" for p in Project.objects.filter(trajectory=t)]
    return {"public": f"/bedrijven/{slug}/", "registry": f"/register/bedrijven/{slug}/", "trajectory": f"/trajecten/{t.pk}/",
            "figures": f"/cijfers/bedrijven/{slug}/"}, projects


def test_as_programme_team_all_pages_of_a_company_link_to_each_other(users, client):
    client.force_login(users["programme"])
    pages, projects = pages_of("AnQore")
    assert projects
    every = {*pages.values(), *projects}
    for url in every:
        assert see_also_hrefs(client, url) == every - {url}, url


def test_anonymous_sees_no_link_to_trajectory_or_project(demo, client):
    pages, projects = pages_of("AnQore")
    for url in (pages["public"], pages["registry"]):
        hrefs = see_also_hrefs(client, url)
        assert hrefs == {pages["public"], pages["registry"]} - {url}, url


def test_a_company_user_sees_its_own_trajectory_links_but_not_another_companys(users, client):
    client.force_login(users["company_b"])  # Nobian
    anqore_pages, anqore_projects = pages_of("AnQore")
    assert not can_view_trajectory(users["company_b"], trajectory("AnQore"))
    assert see_also_hrefs(client, anqore_pages["registry"]) == {anqore_pages["public"]}
    nobian_pages, nobian_projects = pages_of("Nobian")
    assert nobian_pages["trajectory"] in see_also_hrefs(client, nobian_pages["registry"])
    assert nobian_pages["figures"] in see_also_hrefs(client, nobian_pages["registry"])
    assert anqore_pages["figures"] not in see_also_hrefs(client, nobian_pages["registry"])
