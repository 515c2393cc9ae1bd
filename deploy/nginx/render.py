"""Write deploy/nginx/*.conf with real paths and names: every placeholder ``@NAME@`` replaced.

    python3 deploy/nginx/render.py --out /etc/nginx/abierta SERVER_NAME=gobiernoabierto.cartagena.gov.co

Each ``NAME=value`` replaces a default below; a placeholder left without a value, or a name the files
do not use, is an error. The tests (abierta/core/tests/test_nginx.py) and bench/works.py render the
same files with their own ports and folders.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = ("abierta.conf", "abierta-locations.conf")
DEFAULTS = {
    "APP": "127.0.0.1:8000",
    "SERVER_NAME": "gobiernoabierto.example.gov.co",
    "HTTP_LISTEN": "80",
    "HTTPS_LISTEN": "443",
    "CERTIFICATE": "/etc/letsencrypt/live/gobiernoabierto.example.gov.co/fullchain.pem",
    "CERTIFICATE_KEY": "/etc/letsencrypt/live/gobiernoabierto.example.gov.co/privkey.pem",
    "STATIC_ROOT": "/srv/abierta/static",
    "MEDIA_ROOT": "/srv/abierta/media",
    "CACHE_DIR": "/var/cache/nginx/abierta",
    "ACCESS_LOG": "/var/log/nginx/abierta.log",
    "CONF_DIR": "/etc/nginx/abierta",
    # ABIERTA_MAX_REQUEST_BYTES (60 * 1024 * 1024); nginx's "m" is 1024 * 1024 bytes.
    "MAX_BODY": "60m",
}
PLACEHOLDER = re.compile(r"@([A-Z_]+)@")


def render(values: dict[str, str] | None = None) -> dict[str, str]:
    """The files' text by name, with ``DEFAULTS`` updated by ``values``."""
    given = {**DEFAULTS, **(values or {})}
    unknown = set(values or {}) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"unknown placeholders: {', '.join(sorted(unknown))}")
    out: dict[str, str] = {}
    for name in FILES:
        text = (HERE / name).read_text(encoding="utf-8")
        missing = set(PLACEHOLDER.findall(text)) - set(given)
        if missing:
            raise ValueError(f"{name}: no value for {', '.join(sorted(missing))}")
        out[name] = PLACEHOLDER.sub(lambda m: given[m.group(1)], text)
    return out


def write(folder: Path, values: dict[str, str] | None = None) -> Path:
    """Render into ``folder`` (CONF_DIR defaults to it); the path of abierta.conf."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in render({"CONF_DIR": str(folder), **(values or {})}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "abierta.conf"


# The main context a distribution's nginx.conf gives, around the site: what the tests and the
# benchmarks run nginx with, in a folder of their own, as an unprivileged user, in the foreground.
MAIN = """{user}
worker_processes {workers};
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections {connections}; }}
http {{
  types {{ text/html html; text/css css; application/javascript js; application/json json; image/svg+xml svg;
           image/png png; image/jpeg jpg jpeg; image/x-icon ico; font/woff2 woff2; application/pdf pdf; }}
  default_type application/octet-stream;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  include {site};
}}
"""


def standalone(folder: Path, site: Path, *, user: str = "", workers: int = 1, connections: int = 64) -> Path:
    """Write ``folder/nginx.conf``, a whole nginx configuration that includes ``site`` (the path
    :func:`write` returned), for ``nginx -c <it> -p <folder>``; ``user`` is the name to run as when
    started by root. Its path."""
    folder.mkdir(parents=True, exist_ok=True)
    main = folder / "nginx.conf"
    text = MAIN.format(
        user=f"user {user};" if user else "", workers=workers, connections=connections, dir=folder, site=site
    )
    main.write_text(text, encoding="utf-8")
    return main


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the files into")
    parser.add_argument("values", nargs="*", metavar="NAME=value")
    args = parser.parse_args(argv)
    values = dict(v.split("=", 1) for v in args.values)
    print(write(args.out, values))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
