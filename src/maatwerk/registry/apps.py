from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "maatwerk.registry"
    verbose_name = _("Emissieregister")

    def vocabularies(self) -> dict:
        """The registry's code vocabularies for ``|label`` (:mod:`maatwerk.core.labels`)."""
        from .models import LevyKind, Sector

        return {"heffing": LevyKind, "sector": Sector}

    def see_also(self, request, company) -> list[dict]:
        """'Zie ook' (:mod:`maatwerk.core.links`): the company in the emissions registry, open to everyone."""
        from django.urls import reverse

        return [{"kind": "registry", "label": f"{company.name} in het emissieregister", "url": reverse("registry:company", args=[company.slug])}]
