"""'Zie ook': the pages of one company that link to each other, each shown only to who may open it.

A company's public portal page and its registry page are open to everyone (the portal page exists only
for a company that may be named); its trajectory page, and its project pages, only to who may see
the trajectory. Each app contributes the links to its own pages (``AppConfig.see_also``, see
:mod:`maatwerk.core.contributions`), so the registry, trajectory and project pages show the portal's
link without importing the portal.
"""

from __future__ import annotations

from .contributions import contributions

#: The order in which the kinds of link are listed.
KINDS = ("public", "registry", "trajectory", "figures", "project")


def see_also(request, company) -> list[dict]:
    """Links to the company's other pages that ``request.user`` may open (the page asking left out), as
    ``{"label", "url", "kind"}``; kinds: ``public``, ``registry``, ``trajectory``, ``figures`` (the register of
    figures: whoever may see the trajectory may open it), ``project``."""
    links = [link for contribute in contributions("see_also") for link in contribute(request, company)]
    links.sort(key=lambda link: KINDS.index(link["kind"]) if link["kind"] in KINDS else len(KINDS))
    return [link for link in links if link["url"] != request.path]
