import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from maatwerk.accounts.models import Membership, Role
from maatwerk.registry.models import Company
from maatwerk.trajectories.models import Party, Trajectory


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def make_user(username, role=None, company=None, party=None):
    user = get_user_model().objects.create_user(username=username, password="a-long-test-password")
    if role:
        Membership.objects.create(user=user, role=role, company=company, party=party)
    return user


@pytest.fixture
def users(demo):
    anqore = Company.objects.get(name="AnQore")
    nobian = Company.objects.get(name="Nobian")
    return {
        "programme": make_user("t-programma", Role.PROGRAMME),
        "company_a": make_user("t-anqore", Role.COMPANY, company=anqore),
        "company_b": make_user("t-nobian", Role.COMPANY, company=nobian),
        "amvi": make_user("t-amvi", Role.AMVI),
        "province": make_user("t-limburg", Role.PROVINCE, party=Party.objects.get(name="Provincie Limburg")),
        "nobody": make_user("t-zonderrol"),
    }


def trajectory(name) -> Trajectory:
    return Trajectory.objects.select_related("company").get(company__name=name)
