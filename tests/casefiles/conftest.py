import pytest
from django.core.management import call_command

from ..helpers import make_user
from ..registry.factories import eutl_bytes, row


@pytest.fixture
def registry_only(db, tmp_path):
    """An empty database with only an EU ETS registry imported: a tiny EUTL file with the installation
    of the Alco-like case (NL-9001) and one other."""
    path = tmp_path / "installations-NL.csv"
    path.write_bytes(eutl_bytes([
        row("NL-9001", "Alco-achtig Ethanol B.V.", "Ethanolfabriek Europoort", figures={2021: ("345000", "120000", "A")}),
        row("NL-9002", "Andere Houder B.V.", "Andere installatie"),
    ]))
    call_command("import_eutl", str(path), stdout=open("/dev/null", "w"))


@pytest.fixture
def programme_user(db):
    from maatwerk.accounts.models import Role

    return make_user("t-inlezer", Role.PROGRAMME)
