"""Every role with access to non-public data must pass a second factor when REQUIRE_2FA is on (issue 12):
the programme team, the AMVI, company and province users (anyone with a membership) and Django staff.
A logged-in user without a role sees only what the public sees and is not asked. Development
(REQUIRE_2FA off) asks nobody."""

import time
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from .models import role_of

EXEMPT_PREFIXES = ("/tweestaps/", "/uitloggen/", "/static/", "/inloggen/")


def needs_second_factor(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or role_of(user) is not None)


class TwoFactorMiddleware:
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
            return redirect(f"{reverse('accounts:two_factor')}?next={quote(request.get_full_path(), safe='/')}")
        return self.get_response(request)


StaffTwoFactorMiddleware = TwoFactorMiddleware  # the name before issue 12, when only staff were asked


LAST_ACTIVITY = "maatwerk_last_activity"
STARTED = "maatwerk_session_started"
#: a request within this many seconds of the stored activity does not write the session again
ACTIVITY_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Log a user out after ``MAATWERK_SESSION_IDLE_MINUTES`` without a request, and in any case
    ``MAATWERK_SESSION_MAX_HOURS`` after the session began (issue 12). The times are kept in the session
    itself (seconds since the epoch), so they hold for every session backend and every worker."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            now = time.time()
            session = request.session
            last = _number(session.get(LAST_ACTIVITY))
            started = _number(session.get(STARTED))
            idle = settings.MAATWERK_SESSION_IDLE_MINUTES * 60
            maximum = settings.MAATWERK_SESSION_MAX_HOURS * 3600
            if (last is not None and now - last > idle) or (started is not None and now - started > maximum):
                logout(request)  # flushes the session; request.user is anonymous from here on
            else:
                if started is None:
                    session[STARTED] = now
                if last is None or now - last >= ACTIVITY_RESOLUTION or now < last:
                    session[LAST_ACTIVITY] = now
        return self.get_response(request)


def _number(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def start_session_clock(sender, request, user, **kwargs):
    """A (re)login starts both clocks afresh."""
    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[STARTED] = now
        session[LAST_ACTIVITY] = now
