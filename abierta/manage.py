"""The ``abierta`` console script: Django's manage.py for this project."""

import os
import sys

# What the commands write (the SQLite database and its folder, the key store, uploads, exports) is
# readable by the site's own user only; abierta/wsgi.py does the same for the web processes.
PRIVATE_UMASK = 0o077


def main() -> None:
    os.umask(PRIVATE_UMASK)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abierta.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
