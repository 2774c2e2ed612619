from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "maatwerk.finance"
    verbose_name = _("Projecten en businesscases")
