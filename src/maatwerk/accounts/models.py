"""Who holds which role (:class:`Membership`) and second-factor enrolment.

The role vocabulary and :func:`role_of` live in :mod:`maatwerk.core.roles` (every app reasons with them);
they are re-exported here for existing callers."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maatwerk.core.roles import Role, role_of

__all__ = ["Membership", "Role", "SecondFactorEnrolment", "enrolment_closed", "record_enrolment", "reset_second_factor", "role_of"]


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


class SecondFactorEnrolment(models.Model):
    """That a user once confirmed a second factor (issue 12, H5).

    The record outlives the device: when a device row is gone (a restore that lost it, a deleted row) the
    user is *not* offered a fresh secret, because whoever holds the password would then enrol their own
    authenticator. Only an administrator's reset (``maatwerk reset_2fa USER`` or the admin action) clears
    ``confirmed_at`` and so reopens enrolment, once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="second_factor_enrolment", verbose_name=_("gebruiker")
    )
    confirmed_at = models.DateTimeField(
        _("tweede factor ingesteld op"), null=True, blank=True, help_text=_("Leeg: de gebruiker mag (opnieuw) een authenticator instellen.")
    )
    reset_at = models.DateTimeField(_("laatst teruggezet op"), null=True, blank=True)
    reset_by = models.CharField(_("teruggezet door"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("tweestapsverificatie van gebruiker")
        verbose_name_plural = _("tweestapsverificatie van gebruikers")

    def __str__(self) -> str:
        return f"{self.user} ({'ingesteld' if self.confirmed_at else 'open voor instellen'})"


def enrolment_closed(user) -> bool:
    """True when the user once confirmed a second factor and no administrator has reset it since."""
    return SecondFactorEnrolment.objects.filter(user=user, confirmed_at__isnull=False).exists()


def record_enrolment(user) -> None:
    from django.utils import timezone

    SecondFactorEnrolment.objects.update_or_create(user=user, defaults={"confirmed_at": timezone.now()})


def reset_second_factor(user, by: str) -> int:
    """Remove every second-factor device of ``user`` and reopen enrolment; returns the devices removed."""
    from django.db import transaction
    from django.utils import timezone
    from django_otp import devices_for_user

    with transaction.atomic():
        devices = list(devices_for_user(user, confirmed=None))
        for device in devices:
            device.delete()
        SecondFactorEnrolment.objects.update_or_create(
            user=user, defaults={"confirmed_at": None, "reset_at": timezone.now(), "reset_by": by[:150]}
        )
    return len(devices)
