from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "maatwerk.portal"
    verbose_name = _("Publiek portaal")

    def see_also(self, request, company) -> list[dict]:
        """'Zie ook' (:mod:`maatwerk.core.links`): the company's public page."""
        from .links import see_also

        return see_also(request, company)
