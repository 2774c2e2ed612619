"""Programme-level data: budgets, milestones, company emission reports, consequences, outlook assumptions."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from maatwerk.core.locking import VersionedModel
from maatwerk.finance.bounds import number_problem, planning_date_problem

#: the planning dates of a milestone, with the words that name them in a message
MILESTONE_DATES = {"planned": "De geplande datum", "forecast": "De prognose", "actual": "De gerealiseerde datum"}


def milestone_date_problems(planned, forecast, actual, today=None) -> dict[str, str]:
    """Per date field what is wrong with it (Dutch, naming the field): outside the plausible planning
    range, or an actual date in the future. One rule for the form, the admin and the import."""
    from django.utils import timezone

    today = today or timezone.localdate()  # today where the programme is (TIME_ZONE), as core.dates
    problems = {}
    for name, value in (("planned", planned), ("forecast", forecast), ("actual", actual)):
        problem = planning_date_problem(value, MILESTONE_DATES[name])
        if problem:
            problems[name] = problem
    if "actual" not in problems and actual and actual > today:
        problems["actual"] = "Een gerealiseerde datum ligt niet in de toekomst; gebruik de prognose."
    return problems


class Budget(models.Model):
    name = models.CharField(_("naam"), max_length=200, unique=True)
    amount_eur = models.FloatField(_("bedrag (EUR)"))
    scope = models.CharField(
        _("geldt voor"), max_length=200, blank=True, help_text=_('Leeg: alle toegezegde steun van het programma; "sector:waste": één sector; een bedrijfsnaam: één bedrijf; "-": apart instrument, alleen ter referentie.')
    )
    source = models.TextField(_("bron"))

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgetten")
        ordering = ["-amount_eur"]

    def __str__(self) -> str:
        return self.name


class MilestoneKind(models.TextChoices):
    FID = "fid", _("Investeringsbesluit (FID)")
    PERMITS = "permits", _("Vergunningen")
    CONSTRUCTION = "construction_start", _("Start bouw")
    COMMISSIONING = "commissioning", _("Ingebruikname")
    FIRST_YEAR = "first_year_at_target", _("Eerste jaar op doelniveau")


class Milestone(VersionedModel, models.Model):
    project = models.ForeignKey("finance.Project", on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("mijlpaal"), max_length=30, choices=MilestoneKind.choices)
    planned = models.DateField(_("gepland"))
    forecast = models.DateField(_("prognose"), null=True, blank=True)
    actual = models.DateField(_("gerealiseerd"), null=True, blank=True)
    note = models.TextField(_("toelichting"), blank=True)
    source = models.TextField(_("bron"), blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("mijlpaal")
        verbose_name_plural = _("mijlpalen")
        ordering = ["project", "planned"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="milestone_unique_kind")]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_kind_display()}"

    def clean(self):
        problems = milestone_date_problems(self.planned, self.forecast, self.actual)
        if problems:
            raise ValidationError(problems)


class EmissionReport(models.Model):
    """Verified emissions reported by the company for a project's scope (monitoring)."""

    project = models.ForeignKey("finance.Project", on_delete=models.CASCADE, related_name="emission_reports")
    year = models.PositiveSmallIntegerField(_("jaar"))
    emissions_t = models.FloatField(_("emissies (t CO2e)"))
    source = models.TextField(_("bron"), blank=True)

    class Meta:
        verbose_name = _("emissierapportage")
        verbose_name_plural = _("emissierapportages")
        ordering = ["project", "year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"], name="report_unique_year")]

    def __str__(self) -> str:
        return f"{self.project}: emissies {self.year}"

    def clean(self):
        if self.emissions_t is not None and self.emissions_t < 0:
            raise ValidationError({"emissions_t": _("Emissies kunnen niet negatief zijn.")})


class Consequence(models.Model):
    project = models.ForeignKey("finance.Project", on_delete=models.CASCADE, related_name="consequences")
    date = models.DateField(_("datum"))
    kind = models.CharField(
        _("soort"), max_length=30, choices=[("warning", _("Aanmaning")), ("support_reclaimed", _("Steun teruggevorderd")), ("agreement_amended", _("Afspraak gewijzigd")), ("other", _("Overig"))]
    )
    amount_eur = models.FloatField(_("bedrag (EUR)"), null=True, blank=True)
    note = models.TextField(_("toelichting"))

    class Meta:
        verbose_name = _("gevolg")
        verbose_name_plural = _("gevolgen")
        ordering = ["project", "date"]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_kind_display()} ({self.date:%d-%m-%Y})"


class OutlookAssumptions(VersionedModel, models.Model):
    """The editable assumptions of the outlook (one row). Empty conversion rates use the programme's history."""

    conversion_overrides = models.JSONField(
        _("overgangskansen (handmatig)"), default=dict, blank=True, help_text=_('Bijv. {"eop_signed": 0.6}; leeg = afgeleid uit de historie.')
    )
    delay_mean_years = models.FloatField(_("gemiddelde vertraging (jaar)"), default=1.0)
    reduction_sd = models.FloatField(_("onzekerheid reductie (standaardafwijking, fractie)"), default=0.15)
    additional_share_when_unknown = models.FloatField(
        _("gevoeligheid: additioneel aandeel als onbekend (aanname)"),
        default=0.0,
        help_text=_(
            "Alleen een gevoeligheidsanalyse, standaard uit (0). De vooruitblik telt projecten zonder bekende additionaliteit "
            "nooit als additioneel; met een aandeel > 0 toont het dashboard daarnaast, als aanname gemarkeerd, de kans als dit "
            "deel van hun CO2-reductie wel additioneel zou zijn."
        ),
    )
    note = models.TextField(
        _("toelichting"), blank=True, default="Vertraging en onzekerheid zijn illustratieve aannames, geen gepubliceerde cijfers."
    )
    version = models.PositiveIntegerField(default=0, help_text=_("Optimistische vergrendeling: verhoogd bij elke wijziging."))

    class Meta:
        verbose_name = _("aannames vooruitblik")
        verbose_name_plural = _("aannames vooruitblik")

    def __str__(self) -> str:
        return f"Aannames vooruitblik (versie {self.version})"

    def clean(self):
        from maatwerk.engine import workflow

        if not isinstance(self.conversion_overrides or {}, dict):
            raise ValidationError({"conversion_overrides": _('Geef een object, bijv. {"eop_signed": 0.6}.')})
        for phase, value in (self.conversion_overrides or {}).items():
            if phase not in workflow.MAIN_LINE:
                raise ValidationError({"conversion_overrides": _("Onbekende fase %(p)s") % {"p": phase}})
            problem = number_problem(value, 0, 1)  # refuses booleans (true is not a probability), Infinity, NaN
            if problem:
                raise ValidationError({"conversion_overrides": _("Kans voor %(p)s moet een getal tussen 0 en 1 zijn: %(e)s") % {"p": phase, "e": problem}})
        for name, lo, hi, message in (
            ("delay_mean_years", 0, 20, _("Tussen 0 en 20 jaar.")),
            ("additional_share_when_unknown", 0, 1, _("Tussen 0 en 1.")),
            ("reduction_sd", 0, 2, _("Tussen 0 en 2.")),
        ):
            value = getattr(self, name)
            if value is not None and number_problem(value, lo, hi):
                raise ValidationError({name: message})

    @classmethod
    def current(cls) -> "OutlookAssumptions":
        return cls.objects.order_by("pk").first() or cls()
