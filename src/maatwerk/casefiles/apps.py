from django.apps import AppConfig


class CasefilesConfig(AppConfig):
    name = "maatwerk.casefiles"
    label = "casefiles"
    verbose_name = "Casusbestanden"
