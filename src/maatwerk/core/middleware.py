"""A Content-Security-Policy header on every response (settings.CONTENT_SECURITY_POLICY)."""

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
