"""WSGI entry point (gunicorn maatwerk.config.wsgi).

With development settings (DEBUG or the fixed development key) the application answers only requests
from loopback to a loopback host: a development server that is reachable from the network refuses to
serve (issue 12). Production settings (MAATWERK_ENV=production) serve every allowed host."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatwerk.config.settings")
application = get_wsgi_application()

from maatwerk.core.middleware import loopback_only  # noqa: E402 - needs the settings configured above

application = loopback_only(application)
