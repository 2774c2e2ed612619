"""Plain helpers for tests (fixtures live in conftest.py)."""

from django.contrib.auth import get_user_model

from maatwerk.accounts.models import Membership
from maatwerk.trajectories.models import Trajectory


def make_user(username, role=None, company=None, party=None):
    user = get_user_model().objects.create_user(username=username, password="a-long-test-password")
    if role:
        Membership.objects.create(user=user, role=role, company=company, party=party)
    return user


def trajectory(name) -> Trajectory:
    return Trajectory.objects.select_related("company").get(company__name=name)
