"""A fake of the open data portal's SODA API for the SECOP II synchronisation tests: an HTTP server
on 127.0.0.1 (a free port) in a thread, serving rows of ``jbjy-vk9h`` as the portal does (JSON
strings, keys of empty values left out), with ``$where`` (the part of SoQL the synchronisation
writes: comparisons, IS [NOT] NULL, AND, OR, parentheses), ``$order``, ``$limit`` and ``$offset``.

A test may script the answer to the n-th request (``server.answers[n] = (status, headers, body)``)
and reads every request received (``server.requests``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Row = dict[str, Any]
Answer = tuple[int, dict[str, str], bytes]


def soda_row(number: int, *, updated: str = "2024-09-30T00:00:00.000", nit: str = "890480184", **extra: Any) -> Row:
    """A contract row as the API sends it: every value a string."""
    row: Row = {
        "nombre_entidad": "DISTRITO DE CARTAGENA DE INDIAS",
        "nit_entidad": nit,
        "departamento": "Bolívar",
        "ciudad": "Cartagena",
        "proceso_de_compra": f"CO1.BDOS.{7000000 + number}",
        "id_contrato": f"CO1.PCCNTR.{6000000 + number}",
        "referencia_del_contrato": f"SA-MC-{number:03d}-2024",
        "estado_contrato": "En ejecución",
        "tipo_de_contrato": "Prestación de servicios",
        "modalidad_de_contratacion": "Contratación directa",
        "fecha_de_firma": "2024-03-01T00:00:00.000",
        "fecha_de_inicio_del_contrato": "2024-03-04T00:00:00.000",
        "fecha_de_fin_del_contrato": "2024-12-31T00:00:00.000",
        "tipodocproveedor": "NIT",
        "documento_proveedor": "900123456",
        "proveedor_adjudicado": "SERVICIOS EJEMPLO S.A.S.",
        "valor_del_contrato": str(10_000_000 + number),
        "valor_pagado": "0",
        "dias_adicionados": "0",
        "urlproceso": {
            "url": f"https://community.secop.gov.co/Public/Tendering/OpportunityDetail/Index?noticeUID=CO1.NTC.{number}"
        },
        "ultima_actualizacion": updated,
        "objeto_del_contrato": f"Prestación de servicios profesionales número {number}",
    }
    row.update(extra)
    return row


# --- A small SoQL $where evaluator --------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\()|(\))|('(?:[^']|'')*')|(>=|<=|!=|=|>|<)|([A-Za-z_][A-Za-z0-9_]*))")


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise ValueError(f"cannot read $where at {position}: {text[position:]!r}")
        out.append(next(g for g in match.groups() if g is not None))
        position = match.end()
    return out


Predicate = Callable[[Row], bool]


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self) -> Predicate:
        predicate = self.or_()
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()!r}")
        return predicate

    def or_(self) -> Predicate:
        parts = [self.and_()]
        while (self.peek() or "").upper() == "OR":
            self.take()
            parts.append(self.and_())
        return lambda row: any(p(row) for p in parts)

    def and_(self) -> Predicate:
        parts = [self.atom()]
        while (self.peek() or "").upper() == "AND":
            self.take()
            parts.append(self.atom())
        return lambda row: all(p(row) for p in parts)

    def atom(self) -> Predicate:
        if self.peek() == "(":
            self.take()
            inner = self.or_()
            if self.take() != ")":
                raise ValueError("missing )")
            return inner
        column = self.take()
        operator = self.take()
        if operator.upper() == "IS":
            negate = (self.peek() or "").upper() == "NOT"
            if negate:
                self.take()
            if self.take().upper() != "NULL":
                raise ValueError("IS must be followed by [NOT] NULL")
            return lambda row: (row.get(column) is not None) == negate
        literal = self.take()
        if not literal.startswith("'"):
            raise ValueError(f"expected a text literal, got {literal!r}")
        value = literal[1:-1].replace("''", "'")
        compare: dict[str, Callable[[str, str], bool]] = {
            "=": lambda a, b: a == b,
            "!=": lambda a, b: a != b,
            ">": lambda a, b: a > b,
            ">=": lambda a, b: a >= b,
            "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b,
        }
        test = compare[operator]
        return lambda row: row.get(column) is not None and test(str(row[column]), value)


def where(text: str) -> Predicate:
    return _Parser(text).parse()


# --- The server ---------------------------------------------------------------------------------


@dataclass
class Request:
    path: str
    params: dict[str, str]
    headers: dict[str, str]


@dataclass
class FakeSoda:
    rows: list[Row] = field(default_factory=list)
    answers: dict[int, Answer] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    url: str = ""

    def select(self, params: dict[str, str]) -> list[Row]:
        found = [r for r in self.rows if where(params["$where"])(r)] if "$where" in params else list(self.rows)
        for term in reversed([t.strip() for t in params.get("$order", "").split(",") if t.strip()]):
            column, _space, direction = term.partition(" ")
            # Empty values last in ascending order, as the portal does.
            found.sort(key=lambda r: (r.get(column) is None, str(r.get(column) or "")), reverse=False)
            if direction.strip().upper() == "DESC":
                found.reverse()
        offset = int(params.get("$offset", "0"))
        limit = int(params.get("$limit", "1000"))
        return [{k: v for k, v in r.items() if v is not None} for r in found[offset : offset + limit]]


def _handler(fake: FakeSoda) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            fake.requests.append(Request(parts.path, params, dict(self.headers.items())))
            number = len(fake.requests)
            if number in fake.answers:
                status, headers, body = fake.answers[number]
            else:
                try:
                    body = json.dumps(fake.select(params)).encode()
                    status, headers = 200, {"Content-Type": "application/json"}
                except (ValueError, KeyError) as error:
                    body = json.dumps({"errorCode": "query.soql.invalid", "message": str(error)}).encode()
                    status, headers = 400, {"Content-Type": "application/json"}
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def serve(rows: list[Row] | None = None) -> Iterator[FakeSoda]:
    """Start a fake portal (for a fixture: ``yield from serve(rows)``); stop it afterwards."""
    fake = FakeSoda(rows=list(rows or []))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    host, port = server.server_address[:2]
    fake.url = f"http://{host!s}:{port}/resource/jbjy-vk9h.json"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
