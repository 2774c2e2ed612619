"""Programme-level data: budgets and their stages per project, milestones, expected phases, company
emission reports, consequences, outlook assumptions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from maatwerk.core.locking import VersionedModel
from maatwerk.engine import periods, workflow
from maatwerk.finance.bounds import EUROS, Bounded, number_problem, planning_date_problem
from maatwerk.trajectories.models import DatePrecision

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
    established_on = models.DateField(
        _("bekend sinds"), null=True, blank=True,
        help_text=_("De dag waarop de bron het budget vastlegde; een overzicht van een eerdere dag kent het nog niet. Leeg: altijd."),
    )

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
    """A planned step of a project. ``planned`` and ``forecast`` may be known to a day, a month or a year
    ("vanaf 2026"): stored as the first day of the period with its precision; monitoring counts from the
    period's last day (:attr:`planned_end`)."""

    project = models.ForeignKey("finance.Project", on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("mijlpaal"), max_length=30, choices=MilestoneKind.choices)
    planned = models.DateField(_("gepland"))
    planned_precision = models.CharField(_("nauwkeurigheid gepland"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    forecast = models.DateField(_("prognose"), null=True, blank=True)
    forecast_precision = models.CharField(_("nauwkeurigheid prognose"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
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
        for name in ("planned", "forecast"):
            value, precision = getattr(self, name), getattr(self, f"{name}_precision")
            if name not in problems and value is not None and value != periods.period_start(value, precision):
                problems[name] = f"{MILESTONE_DATES[name]} met nauwkeurigheid {DatePrecision(precision).label} is de eerste dag van die periode."
        if problems:
            raise ValidationError(problems)

    @property
    def planned_end(self):
        """The last day of the planned period: the day a milestone "in 2026" is due at the latest."""
        return periods.period_end(self.planned, self.planned_precision)

    @property
    def planned_text(self) -> str:
        return periods.describe(self.planned, self.planned_precision)

    @property
    def forecast_text(self) -> str:
        return periods.describe(self.forecast, self.forecast_precision, missing="—")


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


class AppendOnlyRecord(models.Model):
    """A record that is added, never changed or removed: a newer record of the same series supersedes it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("Dit is een vastlegging met geschiedenis: leg een nieuwe vast in plaats van deze te wijzigen."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Vastleggingen worden nooit verwijderd; leg een nieuwe vast (bijv. een bedrag van 0)."))


#: the phases a trajectory can be expected to reach: the main line after exploration
EXPECTABLE_PHASES = [(code, workflow.PHASE_LABELS[code]) for code in workflow.MAIN_LINE[1:]]


class PhaseExpectation(AppendOnlyRecord):
    """When a trajectory is expected to reach a phase, as a source said it on ``stated_on``
    ("bindende afspraak verwacht september 2025"; Tata Steel: "expected 2026").

    Append-only: a newer statement about the same trajectory and phase is a new record; the one that
    holds on a day is the latest ``stated_on`` by then (ties: the later recorded). Monitoring calls it
    late when the phase was not reached by the last day of the expected period."""

    trajectory = models.ForeignKey("trajectories.Trajectory", verbose_name=_("traject"), on_delete=models.PROTECT, related_name="phase_expectations")
    phase = models.CharField(_("verwachte fase"), max_length=30, choices=EXPECTABLE_PHASES)
    expected = models.DateField(_("verwacht"), help_text=_("De eerste dag van de verwachte periode."))
    precision = models.CharField(_("nauwkeurigheid"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.MONTH)
    stated_on = models.DateField(_("gemeld op"), help_text=_("De dag waarop de bron deze verwachting uitsprak."))
    document = models.ForeignKey(
        "trajectories.Document", verbose_name=_("brondocument"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.TextField(_("bron"), blank=True)
    note = models.TextField(_("toelichting"), blank=True)
    case_key = models.CharField(_("sleutel in het casusbestand"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("vastgelegd"), auto_now_add=True)

    class Meta:
        verbose_name = _("verwachte fase")
        verbose_name_plural = _("verwachte fasen")
        ordering = ["trajectory", "phase", "stated_on", "recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "case_key"], condition=~models.Q(case_key=""), name="expectation_case_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.trajectory}: {workflow.PHASE_LABELS.get(self.phase, self.phase)} verwacht {self.expected_text}"

    @property
    def expected_end(self):
        return periods.period_end(self.expected, self.precision)

    @property
    def expected_text(self) -> str:
        return periods.describe(self.expected, self.precision)

    @property
    def source_text(self) -> str:
        return self.source or (str(self.document) if self.document_id else "")


class BudgetStage(models.TextChoices):
    """The stages of the State's money for a project (issue 13 §7). A binding decision supersedes the
    JLoI's intention for the same project; what is paid out is part of what was committed."""

    RESERVED = "reserved", _("Gereserveerd (intentie in een JLoI)")
    COMMITTED = "committed", _("Toegezegd (bindend besluit)")
    DISBURSED = "disbursed", _("Uitbetaald")


class BudgetEntry(AppendOnlyRecord):
    """An amount of one stage for one project (and budget year), from its source, valid from a date.

    Append-only. A series is (project, stage, year); the entry that holds on a day is the one with the
    latest ``valid_from`` that has begun by then (a month or a year counts from its last day), ties by
    the later recorded. A correction is a new entry of the same series; an amount of 0 retracts it.
    ``year`` empty: the amount is not split by year. How the stages add up is
    :func:`maatwerk.engine.budget.counted`; reading them is :mod:`maatwerk.programme.selectors`."""

    project = models.ForeignKey("finance.Project", verbose_name=_("project"), on_delete=models.PROTECT, related_name="budget_entries")
    stage = models.CharField(_("fase van het geld"), max_length=10, choices=BudgetStage.choices)
    year = models.PositiveSmallIntegerField(_("begrotingsjaar"), null=True, blank=True, help_text=_("Leeg: niet per jaar verdeeld."))
    amount_eur = models.FloatField(_("bedrag (EUR)"), validators=[Bounded(*EUROS)])
    valid_from = models.DateField(_("geldig vanaf"), help_text=_("De dag (of de eerste dag van de maand of het jaar) waarop de bron het bedrag vastlegde."))
    valid_from_precision = models.CharField(_("nauwkeurigheid"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    document = models.ForeignKey(
        "trajectories.Document", verbose_name=_("brondocument"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.TextField(_("bron"), blank=True, help_text=_("Bijv. de JLoI of het subsidiebesluit, met kenmerk."))
    note = models.TextField(_("toelichting"), blank=True)
    case_key = models.CharField(_("sleutel in het casusbestand"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("vastgelegd"), auto_now_add=True)

    class Meta:
        verbose_name = _("budgetboeking")
        verbose_name_plural = _("budgetboekingen")
        ordering = ["project", "stage", "year", "valid_from", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_eur__gte=0), name="budget_entry_amount_not_negative"),
            models.UniqueConstraint(fields=["project", "case_key"], condition=~models.Q(case_key=""), name="budget_entry_case_key_unique"),
        ]

    def __str__(self) -> str:
        year = f" {self.year}" if self.year else ""
        return f"{self.project}: {self.get_stage_display()}{year} EUR {self.amount_eur:,.0f} vanaf {self.valid_from_text}"

    @property
    def counts_from(self):
        """The first day the entry holds: ``valid_from``, or the last day of its month or year."""
        return periods.period_end(self.valid_from, self.valid_from_precision)

    @property
    def valid_from_text(self) -> str:
        return periods.describe(self.valid_from, self.valid_from_precision)

    @property
    def source_text(self) -> str:
        if self.document_id:
            doc = self.document
            return f"{doc.title}{f' ({doc.reference})' if doc.reference else ''}" + (f"; {self.source}" if self.source else "")
        return self.source
