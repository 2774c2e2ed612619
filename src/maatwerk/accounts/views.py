"""Second factor: set up a TOTP app once (secret shown as text and otpauth URI), then enter its code.

Enrolment is offered only to a user who never confirmed a second factor, or whose second factor an
administrator reset (``maatwerk reset_2fa USER``). A user who had one and whose device is gone (a restore
that lost it, a deleted row) is refused: otherwise whoever knows the password would enrol their own app."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from maatwerk.core.forms import StyledForm

from .models import enrolment_closed, record_enrolment


class LoginForm(StyledForm, AuthenticationForm):
    """Django's login form, its fields in the NL Design System style of every other form."""


class TokenForm(StyledForm, forms.Form):
    token = forms.RegexField(label="Code uit uw authenticator-app", regex=r"^\d{6}$", error_messages={"invalid": "Zes cijfers."})


@login_required
def two_factor(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).order_by("pk").first()
    if device is None:
        if enrolment_closed(request.user):
            return render(request, "accounts/two_factor_lost.html", status=403)
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                record_enrolment(request.user)
            otp_login(request, device)
            target = request.GET.get("next") or "/"
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/"
            return redirect(target)
        form.add_error("token", "Deze code klopt niet (of is verlopen).")
    return render(
        request,
        "accounts/two_factor.html",
        {"form": form, "setup": not device.confirmed, "secret": _base32(device), "uri": device.config_url},
    )


def _base32(device) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")
