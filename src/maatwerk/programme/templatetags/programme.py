"""Small parts of the programme's records on other apps' pages, without those apps importing the programme.

``{% load programme %}`` then ``{% trajectory_planning trajectory %}`` on the trajectory page (its
milestones and expected phases with their status today) and ``{% project_budget project %}`` on the
project page (the project's budget stages: all of them for the programme team, for other roles only
those from published public documents).
"""

from django import template
from django.utils import timezone

from maatwerk.accounts.models import Role, role_of

register = template.Library()


@register.inclusion_tag("programme/_trajectory_planning.html", takes_context=True)
def trajectory_planning(context, trajectory):
    from maatwerk.programme.services import planning_rows

    rows = planning_rows(timezone.localdate(), [trajectory])
    return {
        "trajectory": trajectory,
        "milestones": [r for r in rows if r.kind == "milestone"],
        "expected": [r for r in rows if r.kind == "expectation"],
        "may_record": role_of(context["request"].user) == Role.PROGRAMME,
    }


@register.inclusion_tag("programme/_project_budget.html", takes_context=True)
def project_budget(context, project):
    from maatwerk.programme.selectors import project_support

    internal = role_of(context["request"].user) == Role.PROGRAMME
    support = project_support(audience="internal" if internal else "public", projects=[project])
    return {"project": project, "support": support[0] if support else None, "internal": internal}
