"""Login throttling with django-axes (issue 12): five failures lock a username *from one address*, and
``MAATWERK_USER_FAILURE_LIMIT`` (default 20) failures lock the username *from every address*, so an
attacker spreading guesses over many addresses, or many users behind one proxy, is still stopped.

Axes compares one number, the largest failure count over its lockout parameters, with one limit. This
handler scales the per-username count so that each parameter has its own limit: with the parameters
``[["username", "ip_address"], "username"]`` it reports ``max(pair, username * L // U)`` where L is
``AXES_FAILURE_LIMIT`` and U the per-user limit; that reaches L exactly when pair >= L or username >= U."""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class PerUserLimitHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        counts = [attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0 for attempts in self.get_user_attempts(request, credentials)]
        if len(counts) < 2:
            return max(counts, default=0)
        per_address, per_user = counts[0], counts[1]
        limit = settings.AXES_FAILURE_LIMIT
        user_limit = max(int(settings.MAATWERK_USER_FAILURE_LIMIT), 1)
        return max(per_address, per_user * limit // user_limit)
