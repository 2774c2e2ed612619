"""The portal's part of 'Zie ook' (:mod:`maatwerk.core.links`): a company's public page, when it has one."""

from __future__ import annotations

from django.urls import reverse

from . import public


def see_also(request, company) -> list[dict]:
    """The link to ``company``'s public portal page; none for a company that may not be named."""
    if public.company(company.slug) is None:
        return []
    return [{"kind": "public", "label": f"Openbare pagina van {company.name}", "url": reverse("portal:company", args=[company.slug])}]
