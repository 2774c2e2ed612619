"""WSGI entry point (gunicorn maatwerk.config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maatwerk.config.settings")
application = get_wsgi_application()
