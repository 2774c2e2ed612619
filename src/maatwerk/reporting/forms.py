from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maatwerk.core.forms import DateInput, StyledForm
from maatwerk.core.locking import VersionedModelForm
from maatwerk.finance.bounds import PlanningDate

from .models import Letter

PARAGRAPHS_HELP = _("Alinea's scheiden met een witregel. De gegenereerde tekst is het begin; de cijfers in de bijlagen komen uit het register.")


class NewLetterForm(StyledForm, forms.Form):
    as_of = forms.DateField(label=_("Stand op"), widget=DateInput(), initial=timezone.localdate, validators=[PlanningDate("Stand op")],
                            help_text=_("De datum waarop de cijfers en fasen in de brief gelden."))
    since = forms.DateField(label=_("Vorige brief"), widget=DateInput(), required=False, validators=[PlanningDate("Vorige brief")],
                            help_text=_("Leeg: zes maanden eerder. Faseovergangen na deze datum komen in de brief."))
    kenmerk = forms.CharField(label=_("Ons kenmerk"), max_length=60, required=False)

    def clean(self):
        data = super().clean()
        as_of, since = data.get("as_of"), data.get("since")
        if as_of and since and since >= as_of:
            self.add_error("since", f"De vorige brief ({since.isoformat()}) moet voor de stand ({as_of.isoformat()}) liggen.")
        return data


class LetterForm(StyledForm, VersionedModelForm):
    class Meta:
        model = Letter
        fields = ["kenmerk", "subject", "minister_name", "ienw_name", "text_intro", "text_changes", "text_standing", "text_budget", "text_closing"]
        widgets = {f: forms.Textarea(attrs={"rows": 6}) for f in ["text_intro", "text_changes", "text_standing", "text_budget", "text_closing"]}
        help_texts = dict.fromkeys(["text_intro", "text_changes", "text_standing", "text_budget", "text_closing"], PARAGRAPHS_HELP)


class SendForm(StyledForm, forms.Form):
    kenmerk = forms.CharField(label=_("Ons kenmerk"), max_length=60, help_text=_("Het kenmerk waaronder de brief is verzonden."))
    sent_on = forms.DateField(label=_("Verzonden op"), widget=DateInput(), initial=timezone.localdate, validators=[PlanningDate("Verzonden op")])
    kamerstuk = forms.CharField(label=_("Kamerstuk"), max_length=40, help_text=_("Dossier en volgnummer, bijv. 29826-270."))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_kamerstuk(self):
        import re

        value = " ".join(self.cleaned_data["kamerstuk"].split())
        if not re.fullmatch(r"\d{5}(/\d{5})*-\d{1,4}", value.replace(" ", "")):
            raise forms.ValidationError("Geef het Kamerstuk als dossier en volgnummer, bijv. 29826-270.")
        return value.replace(" ", "")
