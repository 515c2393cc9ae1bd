"""deploy/nginx/: the shipped configuration, rendered with this test's ports and folders, passes
``nginx -t`` and does what docs/deploy.md says, against a small stand-in for gunicorn."""

from __future__ import annotations

import gzip
import http.client
import http.server
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
OPENSSL = shutil.which("openssl")
pytestmark = [
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian: apt-get install -y nginx)"),
    pytest.mark.skipif(OPENSSL is None, reason="openssl is needed for the TLS server's test certificate"),
]
PAGE = b"<!doctype html><html lang='es'><title>Obra</title>" + b"<p>Avance de la obra.</p>" * 40 + b"</html>"


def load_render() -> ModuleType:
    spec = importlib.util.spec_from_file_location("abierta_nginx_render", ROOT / "deploy" / "nginx" / "render.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class App(http.server.BaseHTTPRequestHandler):
    """gunicorn's stand-in: /public is cacheable as the QR page is, /plain says nothing."""

    seen: list[dict[str, str]] = []

    def _answer(self) -> None:
        App.seen.append({"path": self.path, "method": self.command, **{k.lower(): v for k, v in self.headers.items()}})
        body = PAGE + str(len(App.seen)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if self.path.startswith("/public"):
            self.send_header("Cache-Control", "public, max-age=300")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("nginx")
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi", "cache", "static/css", "media/works", "conf"):
        (base / sub).mkdir(parents=True)
    (base / "static/css/site.0123456789ab.css").write_text("body { color: #111; }\n" * 50)
    (base / "static/css/site.0123456789ab.css.gz").write_bytes(gzip.compress(b"body { color: #111; }\n" * 50))
    (base / "static/robots.txt").write_text("User-agent: *\n")
    (base / "media/works/photo.jpg").write_bytes(b"\xff\xd8\xff photo")
    (base / "media/pending-images").mkdir()
    (base / "media/pending-images/original.jpg").write_bytes(b"\xff\xd8\xff with its GPS position")
    key, cert = str(base / "key.pem"), str(base / "cert.pem")
    subprocess.run(  # noqa: S603 - openssl, fixed arguments
        [
            str(OPENSSL),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-keyout",
            key,
            "-out",
            cert,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    app = http.server.ThreadingHTTPServer(("127.0.0.1", 0), App)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    http_port, https_port = free_port(), free_port()
    render = load_render()
    conf = render.write(
        base / "conf",
        {
            "APP": f"127.0.0.1:{app.server_address[1]}",
            "SERVER_NAME": "localhost",
            "HTTP_LISTEN": f"127.0.0.1:{http_port}",
            "HTTPS_LISTEN": f"127.0.0.1:{https_port}",
            "CERTIFICATE": str(base / "cert.pem"),
            "CERTIFICATE_KEY": str(base / "key.pem"),
            "STATIC_ROOT": str(base / "static"),
            "MEDIA_ROOT": str(base / "media"),
            "CACHE_DIR": str(base / "cache"),
            "ACCESS_LOG": str(base / "access.log"),
        },
    )
    user = pwd.getpwuid(os.getuid()).pw_name if os.geteuid() == 0 else ""
    main = render.standalone(base, conf, user=user)
    checked = subprocess.run(  # noqa: S603 - nginx, fixed arguments
        [str(NGINX), "-t", "-c", str(main), "-p", str(base)], capture_output=True, text=True, timeout=60
    )
    proc = subprocess.Popen(  # noqa: S603 - nginx, fixed arguments
        [str(NGINX), "-c", str(main), "-p", str(base)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", http_port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.1)
        yield {"checked": checked, "http": http_port, "https": https_port, "base": base, "conf": conf}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGQUIT)
            proc.wait(timeout=20)
        app.shutdown()


def fetch(edge: dict[str, Any], path: str, method: str = "GET", **headers: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", edge["http"], timeout=10)
    conn.request(method, path, headers={"Host": "localhost", **headers})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


def test_nginx_accepts_the_configuration(edge: dict[str, Any]) -> None:
    assert edge["checked"].returncode == 0, edge["checked"].stderr
    assert "test is successful" in edge["checked"].stderr


def test_every_placeholder_is_replaced_and_unknown_ones_are_refused() -> None:
    render = load_render()
    for name, text in render.render().items():
        assert "@" not in text, name
    with pytest.raises(ValueError, match="SERVR_NAME"):
        render.render({"SERVR_NAME": "x"})


def test_the_upload_limit_is_the_applications(edge: dict[str, Any]) -> None:
    value = load_render().DEFAULTS["MAX_BODY"]
    assert int(value.removesuffix("m")) * 1024 * 1024 == settings.ABIERTA_MAX_REQUEST_BYTES
    conn = http.client.HTTPConnection("127.0.0.1", edge["http"], timeout=10)
    conn.putrequest("POST", "/gestion/contratos/importar/", skip_host=True)
    conn.putheader("Host", "localhost")
    conn.putheader("Content-Length", str(settings.ABIERTA_MAX_REQUEST_BYTES + 1))
    conn.endheaders()
    assert conn.getresponse().status == 413  # refused before the body is read or sent to the app
    conn.close()


def test_hashed_static_files_are_kept_a_year_and_sent_compressed(edge: dict[str, Any]) -> None:
    response = fetch(edge, "/static/css/site.0123456789ab.css", **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Cache-Control") == "public, max-age=31536000, immutable"
    assert response.getheader("Content-Encoding") == "gzip"
    plain = fetch(edge, "/static/robots.txt")
    assert plain.status == 200
    assert plain.getheader("Cache-Control") == "max-age=3600"


def test_public_uploads_are_served_and_waiting_ones_never(edge: dict[str, Any]) -> None:
    photo = fetch(edge, "/media/works/photo.jpg")
    assert photo.status == 200
    assert photo.getheader("X-Content-Type-Options") == "nosniff"
    assert fetch(edge, "/media/pending-images/original.jpg").status == 404
    assert fetch(edge, "/media/works/").status in (403, 404)  # no listing


def test_a_public_answer_is_cached_and_a_personal_request_never(edge: dict[str, Any]) -> None:
    first = fetch(edge, "/public/o/ABCD1234")
    again = fetch(edge, "/public/o/ABCD1234")
    assert (first.getheader("X-Cache-Status"), again.getheader("X-Cache-Status")) == ("MISS", "HIT")
    assert [s["path"] for s in App.seen].count("/public/o/ABCD1234") == 1
    with_cookie = fetch(edge, "/public/o/ABCD1234", Cookie="sessionid=abc")
    assert with_cookie.getheader("X-Cache-Status") == "BYPASS"
    posted = fetch(edge, "/public/o/ABCD1234", method="POST", **{"Content-Length": "0"})
    assert posted.getheader("X-Cache-Status") in (None, "MISS", "BYPASS")
    assert [s["path"] for s in App.seen].count("/public/o/ABCD1234") == 3
    # What the application did not declare cacheable is asked every time.
    assert [fetch(edge, "/plain").getheader("X-Cache-Status") for _ in range(2)] == ["MISS", "MISS"]


def test_the_application_is_told_the_client_and_the_scheme(edge: dict[str, Any]) -> None:
    fetch(edge, "/plain?who", **{"X-Forwarded-For": "203.0.113.9"})
    seen = next(s for s in App.seen if s["path"] == "/plain?who")
    assert seen["x-real-ip"] == "127.0.0.1"
    assert seen["x-forwarded-for"].split(",")[-1].strip() == "127.0.0.1"  # the entry nginx added is last
    assert seen["x-forwarded-proto"] == "http"
    assert seen["host"] == "localhost"


def test_html_is_compressed(edge: dict[str, Any]) -> None:
    response = fetch(edge, "/plain?gzip", **{"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip"


def test_the_tls_server_answers_and_says_https(edge: dict[str, Any]) -> None:
    context = ssl.create_default_context(cafile=str(edge["base"] / "cert.pem"))
    context.check_hostname = False
    conn = http.client.HTTPSConnection("127.0.0.1", edge["https"], timeout=10, context=context)
    conn.request("GET", "/plain?tls", headers={"Host": "localhost"})
    assert conn.getresponse().status == 200
    conn.close()
    assert next(s for s in App.seen if s["path"] == "/plain?tls")["x-forwarded-proto"] == "https"


def test_complaint_pages_leave_no_line_in_the_access_log(edge: dict[str, Any]) -> None:
    fetch(edge, "/denuncias/nueva/")
    fetch(edge, "/en/denuncias/")
    fetch(edge, "/plain?logged")
    time.sleep(0.2)
    log = (edge["base"] / "access.log").read_text()
    assert "/plain?logged" in log
    assert "denuncias" not in log
