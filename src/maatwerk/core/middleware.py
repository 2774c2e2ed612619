"""A Content-Security-Policy header on every response (settings.CONTENT_SECURITY_POLICY)."""

import re

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class RejectNulBytesMiddleware:
    """Refuse a request whose path or query contains a NUL byte with 400: PostgreSQL text cannot hold
    one, so such input would otherwise reach the database as a server error (found by fuzzing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            from django.http import HttpResponseBadRequest

            return HttpResponseBadRequest("Ongeldig teken (NUL) in de aanvraag.", content_type="text/plain; charset=utf-8")
        return self.get_response(request)


# --- the client's address: X-Forwarded-For only from a trusted proxy (issue 12) ----------------------------


def _networks(entries):
    import ipaddress

    networks = []
    for entry in entries or ():
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            continue  # settings validate the environment variable; a bad test value is simply no proxy
    return networks


def _address(text):
    import ipaddress

    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address for throttling and logs.

    ``REMOTE_ADDR`` unless the request comes from a proxy in ``settings.MAATWERK_TRUSTED_PROXIES``
    (addresses or networks); then the right-most address of ``X-Forwarded-For`` that is not itself a
    trusted proxy: proxies append, so everything left of that may be the client's own invention."""
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = _networks(getattr(settings, "MAATWERK_TRUSTED_PROXIES", ()))
    peer = _address(remote or "")
    if peer is None or not any(peer in net for net in trusted):
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for part in reversed(forwarded):
        address = _address(part)
        if address is None:
            return remote  # a malformed chain: believe only the peer we talk to
        if not any(address in net for net in trusted):
            return str(address)
    return remote


def from_trusted_proxy(request) -> bool:
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    return peer is not None and any(peer in net for net in _networks(getattr(settings, "MAATWERK_TRUSTED_PROXIES", ())))


class ProxyHeadersMiddleware:
    """Drop the ``X-Forwarded-*`` headers of a request that did not come through a trusted proxy, so no
    later code (Django's ``SECURE_PROXY_SSL_HEADER``, logs, throttling) can be fooled by a client's own.
    Only active once ``MAATWERK_TRUSTED_PROXIES`` is set: without it a deployment behind a proxy that
    was set up before this setting existed keeps its ``X-Forwarded-Proto`` (and so its HTTPS redirect)."""

    HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT", "HTTP_X_REAL_IP", "HTTP_FORWARDED")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(settings, "MAATWERK_TRUSTED_PROXIES", None) and not from_trusted_proxy(request):
            for header in self.HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)


# --- no caching of what a logged-in user sees (issue 12) ------------------------------------------------------


class PrivateNoStoreMiddleware:
    """``Cache-Control: no-store, private`` on every response to a logged-in user and on every document
    download (the permission-checked ``/documenten/<id>/bestand/`` and the public
    ``/documenten/<id>/download/``, which a later retraction must not leave in a shared cache), so neither
    a proxy nor the browser's disk cache keeps confidential pages, exports or documents. Anonymous public
    pages keep their caching."""

    DOCUMENT_FILE = re.compile(r"^/documenten/\d+/(bestand|download)/$")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        authenticated = bool(getattr(user, "is_authenticated", False))
        session = getattr(request, "session", None)
        had_session = session is not None and "_auth_user_id" in session  # logged in, or logged out by this request
        if authenticated or had_session or self.DOCUMENT_FILE.match(request.path):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
            response.headers.pop("Expires", None)
        return response


# --- a busy database is a 503, never a 500 (issue 12, M9) ------------------------------------------------------

BUSY_MARKERS = ("database is locked", "database table is locked", "deadlock detected", "could not serialize access", "lock timeout")


def database_busy(exc) -> bool:
    from django.db import OperationalError

    return isinstance(exc, OperationalError) and any(marker in str(exc).lower() for marker in BUSY_MARKERS)


def busy_response():
    from django.http import HttpResponse

    response = HttpResponse(
        "De database is even bezet door andere wijzigingen; er is niets opgeslagen. Probeer het over enkele seconden opnieuw.\n"
        "The database is busy; nothing was saved. Please try again in a few seconds.\n",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "2"
    return response


class DatabaseBusyMiddleware:
    """Last resort for a write that could not get the database's lock in time (SQLite's busy timeout,
    a PostgreSQL deadlock or serialization failure): 503 with ``Retry-After`` instead of a server error.
    The transaction was rolled back, so nothing was half saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_busy(exception):
            import logging

            logging.getLogger("maatwerk.database").warning("Database bezet bij %s %s: %s", request.method, request.path, exception)
            return busy_response()
        return None


# --- development settings only on loopback (issue 12) -------------------------------------------------------

DEVELOPMENT_KEY = "development-only-not-secret"  # noqa: S105 - the public development key of settings.py
REFUSAL = (
    "Deze server draait met ontwikkelinstellingen (DEBUG of de vaste ontwikkelsleutel) en dient alleen loopback "
    "(127.0.0.1, ::1, localhost). Zet MAATWERK_ENV=production met een eigen SECRET_KEY om op het netwerk te draaien.\n"
    "This server runs with development settings (DEBUG or the fixed development key) and serves only loopback "
    "(127.0.0.1, ::1, localhost). Set MAATWERK_ENV=production with a SECRET_KEY of your own to serve the network.\n"
)


def development_settings() -> bool:
    return bool(settings.DEBUG) or settings.SECRET_KEY == DEVELOPMENT_KEY


def is_loopback_host(host: str | None) -> bool:
    """``host`` (a name or address, optionally with a port or in brackets) is this machine's loopback."""
    if not host:
        return False
    host = host.strip().lower()
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    if host in ("localhost", "localhost.", "testserver") or host.endswith(".localhost"):
        return True
    address = _address(host)
    return address is not None and address.is_loopback


def loopback_only(application):
    """Wrap a WSGI application: with development settings, answer 403 to any request that does not come
    from loopback to a loopback host name."""

    def guarded(environ, start_response):
        if development_settings():
            host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME")
            if not (is_loopback_host(environ.get("REMOTE_ADDR")) and is_loopback_host(host)):
                body = REFUSAL.encode()
                start_response("403 Forbidden", [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))])
                return [body]
        return application(environ, start_response)

    return guarded
