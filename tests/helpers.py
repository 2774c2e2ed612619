"""Plain helpers for tests (fixtures live in conftest.py)."""

from statistics import NormalDist

from django.contrib.auth import get_user_model

from maatwerk.accounts.models import Membership
from maatwerk.trajectories.models import Trajectory


def make_user(username, role=None, company=None, party=None):
    user = get_user_model().objects.create_user(username=username, password="a-long-test-password")
    if role:
        Membership.objects.create(user=user, role=role, company=company, party=party)
    return user


def floored_normal_mean(sd: float) -> float:
    """E[max(0, 1 + sd·Z)] for a standard normal Z, in closed form: Φ(1/sd) + sd·φ(1/sd) (1 for sd = 0).

    The outlook's expected reduction factor under its uncertainty model, written here independently of the engine."""
    if sd <= 0:
        return 1.0
    z = NormalDist()
    return z.cdf(1 / sd) + sd * z.pdf(1 / sd)


def trajectory(name) -> Trajectory:
    return Trajectory.objects.select_related("company").get(company__name=name)
