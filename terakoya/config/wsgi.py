"""WSGI entry point (gunicorn serves it, see the Makefile).

Each worker warms itself on import (:func:`terakoya.core.warmup.warm_up`): views loaded and the
long-lived heap frozen for the garbage collector before the first request.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "terakoya.config.settings")
application = get_wsgi_application()

from terakoya.core.warmup import warm_up  # noqa: E402 — needs the apps loaded above

warm_up()
