"""Second factor: set up a TOTP app once (secret shown as text and otpauth URI), then enter its code."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice


class TokenForm(forms.Form):
    token = forms.RegexField(label="Code uit uw authenticator-app", regex=r"^\d{6}$", error_messages={"invalid": "Zes cijfers."})


@login_required
def two_factor(request):
    device = TOTPDevice.objects.filter(user=request.user).order_by("-confirmed", "pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
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
