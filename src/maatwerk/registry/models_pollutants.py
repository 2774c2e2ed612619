"""Emission data for the living environment: facilities and their yearly releases as the EEA publishes them
(EU industrial reporting, the successor of E-PRTR), with a mapping from facility to installation or company.

Releases are stored as the file gives them, in kg a year. A release the EEA marks confidential
(``confidentialityReason`` filled) keeps its reason and never its value: nothing here can show it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Company, ImportRun, Installation


class Facility(models.Model):
    """One facility of the EEA's industrial reporting (e.g. ``NL.RIVM/000023301.FACILITY``)."""

    inspire_id = models.CharField(_("facility-id (INSPIRE)"), max_length=100, unique=True)
    name = models.CharField(_("naam"), max_length=300)
    country = models.CharField(_("land"), max_length=100, blank=True)
    city = models.CharField(_("plaats"), max_length=200, blank=True)
    sector_code = models.CharField(_("E-PRTR-sector"), max_length=20, blank=True)
    main_activity = models.CharField(_("hoofdactiviteit"), max_length=300, blank=True)
    installation = models.ForeignKey(
        Installation,
        verbose_name=_("installatie (EU ETS)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilities",
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("bedrijf (direct)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="facilities",
        help_text=_("Alleen als de faciliteit niet via een installatie aan een bedrijf hangt."),
    )
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("faciliteit (EEA)")
        verbose_name_plural = _("faciliteiten (EEA)")
        ordering = ["inspire_id"]

    def __str__(self) -> str:
        return f"{self.inspire_id} {self.name}"

    @property
    def effective_company(self):
        if self.company_id:
            return self.company
        return self.installation.effective_company if self.installation_id else None


class FacilityRelease(models.Model):
    """One facility's release of one pollutant to one medium in one year (kg), or only its confidentiality."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="releases")
    year = models.PositiveSmallIntegerField(_("jaar"))
    medium = models.CharField(_("naar"), max_length=10)  # AIR, WATER, LAND
    pollutant = models.CharField(_("stof"), max_length=200)  # as the EEA names it: 'Nitrogen oxides (NOX)'
    code = models.CharField(_("stofcode"), max_length=40, blank=True, db_index=True)  # NOX, NH3, SOX, PM10, CO2
    releases_kg = models.FloatField(_("emissie (kg/jr)"), null=True, blank=True)
    confidentiality_reason = models.CharField(_("reden vertrouwelijkheid"), max_length=300, blank=True)
    publication_date = models.CharField(_("publicatie"), max_length=40)
    import_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("emissie (EEA)")
        verbose_name_plural = _("emissies (EEA)")
        ordering = ["facility", "year", "medium", "pollutant"]
        constraints = [
            models.UniqueConstraint(fields=["facility", "year", "medium", "pollutant"], name="facility_release_unique"),
            # a confidential release keeps no value
            models.CheckConstraint(
                condition=models.Q(confidentiality_reason="") | models.Q(releases_kg__isnull=True),
                name="facility_release_confidential_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility.inspire_id} {self.year} {self.pollutant} ({self.medium})"
