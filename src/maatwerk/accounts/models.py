"""Roles: what a user is in the programme. Object-level rules live in each app's ``permissions`` module."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAMME = "programme", _("Programmateam (ministerie/RVO)")
    COMPANY = "company", _("Bedrijf")
    AMVI = "amvi", _("AMVI-lid")
    PROVINCE = "province", _("Provincie of ander ministerie")


class Membership(models.Model):
    """A user's role; company users belong to one company, province users to one party."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    company = models.ForeignKey(
        "registry.Company", verbose_name=_("bedrijf"), null=True, blank=True, on_delete=models.PROTECT
    )
    party = models.ForeignKey(
        "trajectories.Party", verbose_name=_("partij"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("rol van gebruiker")
        verbose_name_plural = _("rollen van gebruikers")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="company") | models.Q(company__isnull=False), name="company_user_has_company"
            ),
            models.CheckConstraint(
                condition=~models.Q(role="province") | models.Q(party__isnull=False), name="province_user_has_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


def role_of(user) -> str | None:
    """The user's role, or None for anonymous users and users without one (they see only public material)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.PROGRAMME
    membership = getattr(user, "membership", None)
    try:
        return membership.role if membership else None
    except Membership.DoesNotExist:  # pragma: no cover
        return None
