"""HAProxy for a lecture hall: the configuration rendered from deploy/haproxy.cfg.template, and
its stats socket read back.

No third-party imports: ``bash scripts/serve.sh --backends ...`` runs this with the system's
python3 on a machine that holds only the load balancer.
"""

from __future__ import annotations

import csv
import ipaddress
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

TEMPLATE_PATH = Path(__file__).resolve().parent / "haproxy.cfg.template"
# The backend that holds the replicas (named in the template; the stats are read by this name).
BACKEND = "replicas"
COOKIE = "em_hall_replica"

_FIELD = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
_SERVER_FIELDS = {"server_name", "server_address"}
_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                       r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")


@dataclass(frozen=True)
class Backend:
    """One Streamlit replica behind HAProxy: ``name`` is its HAProxy server name and cookie
    value (``replica1``, ...), ``host`` an IP address or host name, ``port`` its port."""

    name: str
    host: str
    port: int

    @property
    def address(self) -> str:
        """The address as HAProxy's ``server`` line takes it (IPv6 with the ipv6@ prefix)."""
        if ":" in self.host:
            return f"ipv6@{self.host}:{self.port}"
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def _port(text: str, what: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ValueError(f"{what}: the port must be a number from 1 to 65535, not {text!r}")
    return int(text)


def _host(text: str, what: str) -> str:
    """An IP address or a host name; nothing else reaches the configuration."""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if not _HOSTNAME.match(text):
        raise ValueError(f"{what}: {text!r} is neither an IP address nor a host name")
    return text


def parse_backends(text: str) -> list[Backend]:
    """``"10.0.0.11:8501,app2.example.org:8501,[fd00::3]:8501"`` -> replica1, replica2, ...

    Raises ValueError (naming the bad entry) for anything but host:port pairs, or a pair twice.
    """
    backends: list[Backend] = []
    entries = [entry.strip() for entry in text.split(",")]
    if not any(entries):
        raise ValueError("--backends needs at least one host:port")
    for entry in entries:
        match = re.fullmatch(r"\[([^\]]+)\]:([^:]+)|([^:\[\]]+):([^:]+)", entry)
        if not match:
            raise ValueError(f"{entry!r} is not host:port (write an IPv6 address as [addr]:port)")
        host_text, port_text = (match[1], match[2]) if match[1] else (match[3], match[4])
        host, port = _host(host_text, entry), _port(port_text, entry)
        if any((b.host, b.port) == (host, port) for b in backends):
            raise ValueError(f"{entry!r} is listed twice")
        backends.append(Backend(f"replica{len(backends) + 1}", host, port))
    return backends


def local_backends(ports: Sequence[int]) -> list[Backend]:
    """Replicas on this machine's loopback interface, one per port."""
    return [Backend(f"replica{number}", "127.0.0.1", port)
            for number, port in enumerate(ports, start=1)]


def bind_address(address: str, port: int) -> str:
    """The ``bind`` value: every IPv4 interface for ``address`` "" (or 0.0.0.0), else one
    address; ``"::"`` listens on every IPv6 (and, as Linux does by default, IPv4) interface."""
    _port(str(port), "--port")
    if address in ("", "0.0.0.0", "*"):
        return f"*:{port}"
    host = _host(address, "--address")
    return f"ipv6@{host}:{port}" if ":" in host else f"{host}:{port}"


def render(backends: Sequence[Backend], *, bind: str, stats_socket: str,
           template: str | None = None) -> str:
    """The HAProxy configuration: the template with its fields filled in.

    ``bind`` comes from ``bind_address``; ``stats_socket`` is the path of the admin socket.
    Each template line holding ``{{ server_name }}`` / ``{{ server_address }}`` is repeated
    once per backend. Raises ValueError for a field the template names but nobody fills (or a
    value that could break out of its line).
    """
    if template is None:
        template = TEMPLATE_PATH.read_text()
    if not backends:
        raise ValueError("at least one backend is needed")
    values = {"bind": bind, "stats_socket": stats_socket}
    for value in (*values.values(), *(b.name for b in backends), *(b.address for b in backends)):
        if not value or re.search(r"[\s#'\"\\]", value):
            raise ValueError(f"{value!r} cannot go into the HAProxy configuration")

    def fill(line: str, fields: dict[str, str]) -> str:
        def one(match: re.Match) -> str:
            if match[1] not in fields:
                raise ValueError(f"the template names {{{{ {match[1]} }}}}, which is not filled")
            return fields[match[1]]

        return _FIELD.sub(one, line)

    lines: list[str] = []
    for line in template.splitlines():
        named = set(_FIELD.findall(line))
        if named & _SERVER_FIELDS:
            lines.extend(fill(line, {**values, "server_name": backend.name,
                                     "server_address": backend.address})
                         for backend in backends)
        else:
            lines.append(fill(line, values))
    return "\n".join(lines) + "\n"


def read_stats(stats_socket: str | Path, timeout_s: float = 5.0) -> dict[str, dict[str, str]]:
    """HAProxy's ``show stat`` for the replicas' backend: {server name: its CSV row}.

    A row maps the CSV's column names to text, e.g. ``status`` ("UP", "DOWN", "MAINT", ...),
    ``req_tot`` (HTTP requests forwarded to that server), ``scur`` (its current connections).
    The backend's own totals are under the name "BACKEND".
    """
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(timeout_s)
        connection.connect(str(stats_socket))
        connection.sendall(b"show stat\n")
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    text = b"".join(chunks).decode()
    if not text.startswith("# "):
        raise RuntimeError(f"unexpected answer from HAProxy's stats socket: {text[:200]!r}")
    rows = csv.DictReader(text[2:].splitlines())
    return {row["svname"]: row for row in rows if row["pxname"] == BACKEND}
