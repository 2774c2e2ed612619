"""The demo's cases: one case file per company (``demo/*.json``), read in through the import users have.

The programme team's demo user reads them in (so the figures they mark published are published by
it, as for any import). After the cases come the finance demo's illustrative business cases, which
belong to the projects the case files create.
"""

from __future__ import annotations

from importlib import resources

from django.conf import settings
from django.db import transaction

from . import format as case_format
from . import importer

CASES = resources.files("maatwerk.casefiles") / "demo"


def case_files() -> list[tuple[str, dict]]:
    """The demo's case files, by name, each read and checked."""
    files = sorted((f for f in CASES.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)
    return [(f.name, case_format.validate(case_format.read(f.read_bytes(), f.name), f.name)) for f in files]


def load() -> str:
    if settings.PRODUCTION:
        return "casusbestanden: geen demo in productie; lees casussen in met maatwerk import_case --user …"
    from maatwerk.accounts.demo_data import demo_user
    from maatwerk.finance.demo_data import load_business_cases

    with transaction.atomic():
        reports = importer.import_cases(case_files(), demo_user("programma"))
        business = load_business_cases(demo_user("programma"))
    new = [r for r in reports if not r.unchanged]
    return f"casusbestanden: {len(reports)} gelezen, {len(new)} met iets nieuws; {business}"
