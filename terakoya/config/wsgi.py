"""WSGI entry point (gunicorn serves it, see the Makefile)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terakoya.config.settings")
application = get_wsgi_application()
