"""'Zie ook': the pages of one company that link to each other, each shown only to who may open it.

A company's public portal page and its registry page are open to everyone (the portal page exists only
for a company that may be named); its trajectory page, and its project pages, only to who may see
the trajectory (:func:`maatwerk.trajectories.permissions.can_view_trajectory`).
"""

from __future__ import annotations

from django.urls import reverse


def see_also(request, company) -> list[dict]:
    """Links to the company's other pages that ``request.user`` may open (the page asking left out), as
    ``{"label", "url", "kind"}``; kinds: ``public``, ``registry``, ``trajectory``, ``figures`` (the
    register of figures: whoever may see the trajectory may open it), ``project``."""
    user = request.user
    from maatwerk.trajectories.models import Trajectory
    from maatwerk.trajectories.permissions import can_view_trajectory

    from . import public

    links = []
    if public.company(company.slug) is not None:
        links.append({"kind": "public", "label": f"Openbare pagina van {company.name}", "url": reverse("portal:company", args=[company.slug])})
    links.append({"kind": "registry", "label": f"{company.name} in het emissieregister", "url": reverse("registry:company", args=[company.slug])})
    trajectory = Trajectory.objects.filter(company=company).first()
    if trajectory is not None and can_view_trajectory(user, trajectory):
        links.append({"kind": "trajectory", "label": f"Traject van {company.name}", "url": reverse("trajectories:detail", args=[trajectory.pk])})
        links.append({"kind": "figures", "label": f"Cijfers van {company.name}", "url": reverse("figures:company", args=[company.slug])})
        for project in trajectory.projects.order_by("pk"):
            links.append({"kind": "project", "label": f"Project: {project.name}", "url": reverse("finance:project", args=[project.pk])})
    return [link for link in links if link["url"] != request.path]
