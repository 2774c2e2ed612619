from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "maatwerk.finance"
    verbose_name = _("Projecten en businesscases")

    def vocabularies(self) -> dict:
        """The projects' code vocabularies for ``|label`` (:mod:`maatwerk.core.labels`)."""
        from .models import StateAidFramework, Technique

        return {"techniek": Technique, "staatssteun": StateAidFramework}

    def see_also(self, request, company) -> list[dict]:
        """'Zie ook' (:mod:`maatwerk.core.links`): the projects of the company's trajectory, for who may see it."""
        from django.urls import reverse

        from maatwerk.trajectories.models import Trajectory
        from maatwerk.trajectories.permissions import can_view_trajectory

        trajectory = Trajectory.objects.filter(company=company).first()
        if trajectory is None or not can_view_trajectory(request.user, trajectory):
            return []
        return [
            {"kind": "project", "label": f"Project: {project.name}", "url": reverse("finance:project", args=[project.pk])}
            for project in trajectory.projects.order_by("pk")
        ]
