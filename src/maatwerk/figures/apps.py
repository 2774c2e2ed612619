from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FiguresConfig(AppConfig):
    name = "maatwerk.figures"
    verbose_name = _("Register van cijfers")

    def see_also(self, request, company) -> list[dict]:
        """'Zie ook' (:mod:`maatwerk.core.links`): the company's register of figures, for whoever may see its trajectory."""
        from django.urls import reverse

        from maatwerk.trajectories.models import Trajectory
        from maatwerk.trajectories.permissions import can_view_trajectory

        trajectory = Trajectory.objects.filter(company=company).first()
        if trajectory is None or not can_view_trajectory(request.user, trajectory):
            return []
        return [{"kind": "figures", "label": f"Cijfers van {company.name}", "url": reverse("figures:company", args=[company.slug])}]
