"""The web entry point (gunicorn abierta.wsgi). Files the web processes write (uploads, the SQLite
database and its journal, the key store) are readable by the site's own user only."""

import os

from django.core.wsgi import get_wsgi_application

os.umask(0o077)  # as abierta.manage does for the commands
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abierta.settings")

application = get_wsgi_application()
