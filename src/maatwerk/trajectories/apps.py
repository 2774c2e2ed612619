from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrajectoriesConfig(AppConfig):
    name = "maatwerk.trajectories"
    verbose_name = _("Maatwerktrajecten")

    def vocabularies(self) -> dict:
        """The trajectories' code vocabularies for ``|label`` (:mod:`maatwerk.core.labels`)."""
        from .models import (
            AmviItemKind,
            Confidentiality,
            DocumentType,
            EventKind,
            Judgement,
            Originator,
            PartyKind,
            Response,
            ReviewStatus,
        )

        return {
            "documentsoort": DocumentType,
            "vertrouwelijkheid": Confidentiality,
            "beoordeling": ReviewStatus,
            "gebeurtenis": EventKind,
            "oordeel": Judgement,
            "amvi_punt": AmviItemKind,
            "reactie": Response,
            "herkomst": Originator,
            "partij": PartyKind,
        }

    def see_also(self, request, company) -> list[dict]:
        """'Zie ook' (:mod:`maatwerk.core.links`): the company's trajectory, for who may see it."""
        from django.urls import reverse

        from .models import Trajectory
        from .permissions import can_view_trajectory

        trajectory = Trajectory.objects.filter(company=company).first()
        if trajectory is None or not can_view_trajectory(request.user, trajectory):
            return []
        return [{"kind": "trajectory", "label": f"Traject van {company.name}", "url": reverse("trajectories:detail", args=[trajectory.pk])}]

    def company_home_url(self, user) -> str:
        """A company user's own trajectory page when it has exactly one, else the list of its trajectories
        (:mod:`maatwerk.core.navigation`)."""
        from django.urls import reverse

        from .permissions import visible_trajectories

        pks = list(visible_trajectories(user).values_list("pk", flat=True)[:2])
        if len(pks) == 1:
            return reverse("trajectories:detail", args=[pks[0]])
        return reverse("trajectories:board")
