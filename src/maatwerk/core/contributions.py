"""What the apps contribute to the shared pieces of ``core``, without ``core`` importing any app.

``core`` sits below every app (an import-linter contract holds it), yet some of its pieces gather
something from each app: the Dutch labels of their code vocabularies (:mod:`maatwerk.core.labels`), the
'Zie ook' links between one company's pages (:mod:`maatwerk.core.links`) and a company user's start
page (:mod:`maatwerk.core.navigation`). Each app offers its part as a method of its own ``AppConfig``;
core asks Django's app registry for them, in ``INSTALLED_APPS`` order, as ``load_demo`` does for each
app's ``demo_data``. The methods (all optional):

``vocabularies(self) -> dict[str, type[Choices]]``
    the app's code vocabularies by the name templates use (``|label:"sector"``);
``see_also(self, request, company) -> list[dict]``
    links ``{"kind", "label", "url"}`` to the app's pages about ``company`` that the user may open;
``company_home_url(self, user) -> str | None``
    the page a company user starts on (their own trajectory), or None.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.apps import apps


def contributions(name: str) -> Iterator[Callable[..., Any]]:
    """The bound method ``name`` of every installed maatwerk app that offers one, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("maatwerk."):
            continue
        method = getattr(config, name, None)
        if callable(method):
            yield method
