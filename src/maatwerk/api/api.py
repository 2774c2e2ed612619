"""The internal REST API, version 1 (/api/v1/, OpenAPI schema at /api/v1/openapi.json).

Everything here needs a login (session or the same credentials as the web app); what each user gets
follows the object-level permissions of each app.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import django_auth

from maatwerk.figures.api import router as figures_router
from maatwerk.finance.api import router as finance_router
from maatwerk.registry.api import router as registry_router
from maatwerk.trajectories.api import router as trajectories_router

api = NinjaAPI(
    title="maatwerk API",
    version="1",
    description="Interne API van de maatwerkaanpak verduurzaming industrie. Alle endpoints vereisen inloggen.",
    auth=django_auth,
    urls_namespace="api-1",
    docs_decorator=login_required,  # the internal schema is for logged-in users too
)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    """422 in one shape for every endpoint: a readable ``detail`` and ``errors`` per field (query.x, body.y)."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        key = ".".join([loc[0], *loc[2:]] if len(loc) > 1 and loc[1] == loc[0] else loc) or "invoer"
        errors.setdefault(key, []).append(str(error.get("msg", "ongeldig")))
    detail = "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in errors.items())
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "Inloggen vereist."}, status=401)


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Geen toegang."}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Niet gevonden."}, status=404)


@api.exception_handler(OperationalError)
def database_error(request, exc):
    """A write that could not get the database's lock in time: 503 with Retry-After (also in DEBUG, where
    django-ninja would otherwise answer 500 with a traceback); any other database error stays a 500."""
    from maatwerk.core.middleware import database_busy

    if not database_busy(exc):
        raise exc
    response = api.create_response(
        request, {"detail": "De database is even bezet; er is niets opgeslagen. Probeer het over enkele seconden opnieuw."}, status=503
    )
    response["Retry-After"] = "2"
    return response


api.add_router("/", registry_router)
api.add_router("/", trajectories_router)
api.add_router("/", finance_router)
api.add_router("/", figures_router)
