"""Staff roles (the programme team and Django staff) must pass a second factor when REQUIRE_2FA is on."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .models import Role, role_of

EXEMPT_PREFIXES = ("/tweestaps/", "/uitloggen/", "/static/", "/inloggen/")


def needs_second_factor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (user.is_staff or role_of(user) == Role.PROGRAMME)


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.REQUIRE_2FA
            and needs_second_factor(user)
            and not user.is_verified()
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            return redirect(f"{reverse('accounts:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
