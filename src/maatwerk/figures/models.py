"""The register of figures (issue 13): what a document says a company or project will achieve or get.

A figure is a record, never a field that is overwritten: its subject (a company, or one of its
projects), a quantity from a fixed vocabulary with its unit, a value as ``low``/``high`` with a
qualifier ("ten minste", "ca.", a range), the year it is about, the **source document** that said it
(a :class:`~maatwerk.trajectories.models.Document` of the company's trajectory), ``valid_from`` (the
day that document made it true), who recorded it and when, its confidentiality and its publication
state (draft → proposed → published, with four eyes).

Append-only: the content of a record never changes. A correction or a newer agreement is a new record
of the same series (subject and quantity) that ``supersedes`` the old; which record holds on a day is
decided by :mod:`maatwerk.figures.selectors` (public outputs: published by that day; internal views:
valid on that day; ``known_at``: recorded by then). Only the publication columns move, each step
once, and each step is an event in the trajectory's history.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from maatwerk.trajectories.models import Confidentiality


class Quantity(models.TextChoices):
    CO2_REDUCTION = "co2_reduction_t_per_year", _("CO2-reductie")
    ADDITIONAL_REDUCTION = "additional_reduction_t_per_year", _("additionele CO2-reductie")
    REDUCTION_PCT = "reduction_pct", _("reductie (procent)")
    TARGET_YEAR = "target_year", _("doeljaar")
    BASE_YEAR = "base_year", _("referentiejaar")
    SUPPORT_MAX = "support_max_eur", _("maximale steun")
    INVESTMENT = "investment_eur", _("investering")
    NOX_REDUCTION = "nox_reduction_t_per_year", _("NOx-reductie")
    NH3_REDUCTION = "nh3_reduction_t_per_year", _("NH3-reductie")
    GAS_REDUCTION = "gas_reduction_m3_per_year", _("minder aardgas")
    WATER_REDUCTION = "water_reduction_m3_per_year", _("minder zoetwater")
    ELECTRIC_CAPACITY = "electric_capacity_mw", _("elektrisch vermogen")
    DISPENSATION_RIGHTS = "dispensation_rights_t", _("dispensatierechten")


# The unit of each quantity: one unit per quantity, so values of a series always add up.
UNITS: dict[str, str] = {
    Quantity.CO2_REDUCTION: "t CO2/jr",
    Quantity.ADDITIONAL_REDUCTION: "t CO2/jr",
    Quantity.REDUCTION_PCT: "%",
    Quantity.TARGET_YEAR: "jaar",
    Quantity.BASE_YEAR: "jaar",
    Quantity.SUPPORT_MAX: "EUR",
    Quantity.INVESTMENT: "EUR",
    Quantity.NOX_REDUCTION: "t NOx/jr",
    Quantity.NH3_REDUCTION: "t NH3/jr",
    Quantity.GAS_REDUCTION: "m3/jr",
    Quantity.WATER_REDUCTION: "m3/jr",
    Quantity.ELECTRIC_CAPACITY: "MW",
    Quantity.DISPENSATION_RIGHTS: "t CO2",
}


class Qualifier(models.TextChoices):
    EXACT = "exact", _("precies")
    ABOUT = "about", _("ongeveer")
    AT_LEAST = "at_least", _("ten minste")
    MORE_THAN = "more_than", _("meer dan")
    AT_MOST = "at_most", _("ten hoogste")
    RANGE = "range", _("bandbreedte")


class PublicationState(models.TextChoices):
    DRAFT = "draft", _("Concept")
    PROPOSED = "proposed", _("Voorgesteld voor publicatie")
    PUBLISHED = "published", _("Gepubliceerd")


def qualifier_error(qualifier: str, low: float | None, high: float | None) -> dict[str, str]:
    """The errors of a value, by field: which of ``low``/``high`` a qualifier needs (issue 13 §5)."""
    errors: dict[str, str] = {}
    if qualifier in (Qualifier.EXACT, Qualifier.ABOUT):
        if low is None:
            errors["low"] = "Geef de waarde."
        elif high is not None and high != low:
            errors["high"] = "Bij 'precies' en 'ongeveer' is de bovengrens gelijk aan de waarde (of leeg)."
    elif qualifier in (Qualifier.AT_LEAST, Qualifier.MORE_THAN):
        if low is None:
            errors["low"] = "Geef de ondergrens."
        if high is not None:
            errors["high"] = "Bij 'ten minste' en 'meer dan' is er geen bovengrens."
    elif qualifier == Qualifier.AT_MOST:
        if high is None:
            errors["high"] = "Geef de bovengrens."
        if low is not None:
            errors["low"] = "Bij 'ten hoogste' is er geen ondergrens."
    elif qualifier == Qualifier.RANGE:
        if low is None:
            errors["low"] = "Geef de ondergrens van de bandbreedte."
        if high is None:
            errors["high"] = "Geef de bovengrens van de bandbreedte."
        if low is not None and high is not None and high < low:
            errors["high"] = "De bovengrens is kleiner dan de ondergrens."
    else:
        errors["qualifier"] = f"Onbekende aanduiding {qualifier!r}."
    return errors


class Figure(models.Model):
    """One figure as one document stated it. See the module docstring."""

    company = models.ForeignKey("registry.Company", verbose_name=_("bedrijf"), on_delete=models.PROTECT, related_name="figures")
    project = models.ForeignKey(
        "finance.Project", verbose_name=_("project"), null=True, blank=True, on_delete=models.PROTECT, related_name="figures",
        help_text=_("Leeg: het cijfer gaat over het bedrijf als geheel."),
    )
    quantity = models.CharField(_("grootheid"), max_length=40, choices=Quantity.choices)
    unit = models.CharField(_("eenheid"), max_length=20)
    qualifier = models.CharField(_("aanduiding"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    low = models.FloatField(_("waarde of ondergrens"), null=True, blank=True)
    high = models.FloatField(_("bovengrens"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("jaar waarover"), null=True, blank=True, help_text=_("Bijv. 2030 voor een reductie in 2030."))
    base_period = models.CharField(_("ten opzichte van"), max_length=20, blank=True, help_text=_("Referentiejaar of -periode, bijv. 2021 of 2018-2021."))
    source = models.ForeignKey(
        "trajectories.Document", verbose_name=_("brondocument"), on_delete=models.PROTECT, related_name="figures"
    )
    valid_from = models.DateField(_("geldig vanaf"), help_text=_("De dag waarop het brondocument het cijfer vastlegde."))
    note = models.TextField(_("toelichting"), blank=True, help_text=_("Bijv. de zin uit het brondocument."))
    confidentiality = models.CharField(
        _("vertrouwelijkheid"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.INTERNAL
    )
    supersedes = models.ForeignKey(
        "self", verbose_name=_("vervangt"), null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    case_key = models.CharField(
        _("sleutel in het casusbestand"), max_length=100, blank=True,
        help_text=_("Maakt opnieuw inlezen van hetzelfde casusbestand idempotent."),
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("vastgelegd"), auto_now_add=True)
    # Publication: the only columns that move, each once (draft → proposed → published).
    state = models.CharField(_("publicatiestatus"), max_length=10, choices=PublicationState.choices, default=PublicationState.DRAFT)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("voorgesteld"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("gepubliceerd (vastgelegd)"), null=True, blank=True)
    published_on = models.DateField(
        _("openbaar sinds"), null=True, blank=True,
        help_text=_("De dag waarop het cijfer openbaar werd (meestal de dag van het brondocument)."),
    )

    CONTENT_FIELDS = (
        "company_id", "project_id", "quantity", "unit", "qualifier", "low", "high", "year", "base_period",
        "source_id", "valid_from", "note", "confidentiality", "supersedes_id", "case_key", "recorded_by_id",
    )

    class Meta:
        verbose_name = _("cijfer")
        verbose_name_plural = _("cijfers")
        ordering = ["company", "project", "quantity", "valid_from", "recorded_at", "pk"]
        indexes = [
            models.Index(fields=["company", "quantity", "valid_from"], name="figure_series_idx"),
            models.Index(fields=["state", "published_on"], name="figure_published_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="published") | models.Q(confidentiality="public"),
                name="figure_only_public_published",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="published") | (models.Q(published_on__isnull=False) & models.Q(published_by__isnull=False)),
                name="figure_published_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=models.Q(low__isnull=False) | models.Q(high__isnull=False),
                name="figure_has_a_value",
            ),
            models.UniqueConstraint(
                fields=["company", "case_key"], condition=~models.Q(case_key=""), name="figure_case_key_unique"
            ),
        ]

    def __str__(self) -> str:
        subject = self.project or self.company
        return f"{subject}: {self.get_quantity_display()} ({self.get_qualifier_display()} {self.low}–{self.high}) vanaf {self.valid_from}"

    def clean(self):
        errors = qualifier_error(self.qualifier, self.low, self.high)
        if self.quantity and self.unit and UNITS.get(self.quantity) != self.unit:
            errors["unit"] = f"De eenheid van {self.quantity} is {UNITS.get(self.quantity)}, niet {self.unit}."
        if self.project_id and self.project.trajectory.company_id != self.company_id:
            errors["project"] = "Het project hoort niet bij dit bedrijf."
        if self.source_id and self.source.trajectory.company_id != self.company_id:
            errors["source"] = "Het brondocument hoort niet bij het traject van dit bedrijf."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if not self.unit:
            self.unit = UNITS.get(self.quantity, "")
        if self.pk is None:
            self.full_clean(exclude=["recorded_by", "proposed_by", "published_by"])
        else:
            stored = type(self).objects.filter(pk=self.pk).values(*self.CONTENT_FIELDS).first()
            if stored and any(stored[f] != getattr(self, f) for f in self.CONTENT_FIELDS):
                raise ValidationError(_("Een cijfer is onveranderlijk; leg een nieuw cijfer vast dat het oude vervangt."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Cijfers worden nooit verwijderd; leg een correctie vast."))
