"""Progress letters to parliament: drafts the programme team edits, and sent letters, frozen.

A draft holds the letter's date, period, reference, signatories and its narrative (the generated text
is the starting point, see :func:`maatwerk.reporting.letter.generated_texts`); its figures are read
from the public record each time it is shown. Sending freezes it: the whole content (text, figures,
annexes, sources) is stored as JSON with its SHA-256, together with the hashes of the PDF, DOCX and
HTML rendered from it, and it can no longer be edited. Every later download renders that stored
content, so it is byte-identical whatever happens to the data afterwards."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maatwerk.core.locking import VersionedModel


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    SENT = "sent", _("Verzonden")


class Letter(VersionedModel, models.Model):
    as_of = models.DateField(_("stand op"), help_text=_("De datum waarop de cijfers en fasen in de brief gelden."))
    since = models.DateField(_("vorige brief"), help_text=_("Veranderingen na deze datum komen in de brief (standaard zes maanden eerder)."))
    kenmerk = models.CharField(_("ons kenmerk"), max_length=60, blank=True)
    subject = models.CharField(_("betreft"), max_length=200)
    minister_name = models.CharField(_("naam van de minister"), max_length=120, blank=True, help_text=_("Onder het ondertekeningsblok; leeg laten als nog niet bekend."))
    ienw_name = models.CharField(_("naam van de staatssecretaris van IenW"), max_length=120, blank=True,
                                 help_text=_("Alleen gebruikt als IenW partij is bij een traject uit de brief."))
    text_intro = models.TextField(_("inleiding"), blank=True)
    text_changes = models.TextField(_("ontwikkelingen per bedrijf"), blank=True)
    text_standing = models.TextField(_("stand van het programma"), blank=True)
    text_budget = models.TextField(_("budget"), blank=True)
    text_closing = models.TextField(_("afsluiting"), blank=True)
    status = models.CharField(_("status"), max_length=5, choices=LetterStatus.choices, default=LetterStatus.DRAFT)
    sent_on = models.DateField(_("verzonden op"), null=True, blank=True)
    kamerstuk = models.CharField(_("Kamerstuk"), max_length=40, blank=True, help_text=_("Dossier en volgnummer, bijv. 29826-270."))
    sent_at = models.DateTimeField(_("vastgelegd als verzonden"), null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    content = models.JSONField(_("vastgelegde inhoud"), null=True, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    docx_sha256 = models.CharField(max_length=64, blank=True)
    html_sha256 = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("voortgangsbrief")
        verbose_name_plural = _("voortgangsbrieven")
        ordering = ["-as_of", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(since__lt=models.F("as_of")), name="letter_period_forward"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | (models.Q(content__isnull=False) & ~models.Q(content_sha256="") & models.Q(sent_on__isnull=False)),
                name="sent_letter_frozen",
            ),
        ]

    def __str__(self) -> str:
        state = self.kamerstuk or self.get_status_display()
        return f"Voortgangsbrief {self.as_of.isoformat()} ({state})"

    @property
    def is_sent(self) -> bool:
        return self.status == LetterStatus.SENT
