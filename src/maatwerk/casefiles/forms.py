from django import forms

from maatwerk.core.forms import StyledForm

from .format import MAX_BYTES


class UploadForm(StyledForm, forms.Form):
    file = forms.FileField(
        label="Casusbestand",
        help_text="Een JSON-bestand in het formaat maatwerk-case/1 (zie de documentatie bij het formaat); ten hoogste 5 MB. "
                  "U ziet eerst wat er wordt aangemaakt; pas na bevestigen wordt iets vastgelegd.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"Het bestand is groter dan {MAX_BYTES // (1024 * 1024)} MB; dat is geen casusbestand.")
        return upload


class ConfirmForm(StyledForm, forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
