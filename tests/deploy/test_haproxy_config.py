"""The lecture hall's HAProxy configuration, rendered from deploy/haproxy.cfg.template.

Checks the directives a hall depends on (cookie stickiness, websocket tunnel timeout, health
checks on Streamlit's endpoint) for local and remote replicas, that HAProxy itself accepts the
result (`haproxy -c`), and that operator input cannot break out of its line.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from deploy import hall, haproxy

REPO_ROOT = Path(__file__).resolve().parents[2]


def _haproxy() -> str:
    executable = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")
    assert executable, "haproxy is missing: `bash scripts/test.sh` installs Debian's haproxy"
    return executable


def _directives(config: str, section: str) -> list[str]:
    """The lines of one section (e.g. "backend replicas"), comments and blanks dropped."""
    lines, inside = [], False
    for line in config.splitlines():
        stripped = line.split("#", 1)[0].strip()
        if not line.startswith((" ", "\t")) and stripped:
            inside = stripped == section
            continue
        if inside and stripped:
            lines.append(stripped)
    return lines


def _timeout_seconds(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(ms|s|m|h|d)?", value).groups()
    return int(number) * {"ms": 1e-3, "s": 1, None: 1e-3, "m": 60, "h": 3600, "d": 86400}[unit]


def _check_hall_directives(config: str, servers: list[tuple[str, str]]) -> None:
    backend = _directives(config, "backend replicas")
    assert "balance roundrobin" in backend
    # Sticky by an inserted cookie, never by the source address (a campus NAT is one address).
    cookie = next(line for line in backend if line.startswith("cookie "))
    assert cookie.split()[1:3] == [haproxy.COOKIE, "insert"]
    assert not any(line.startswith(("balance source", "hash-type", "stick")) for line in backend)
    assert "option redispatch" in backend
    # Health checks on Streamlit's own endpoint, on every server.
    assert "option httpchk GET /_stcore/health" in backend
    assert "http-check expect string ok" in backend
    assert any(line.startswith("default-server check") for line in backend)
    server_lines = [line for line in backend if line.startswith("server ")]
    assert server_lines == [f"server {name} {address} cookie {name}" for name, address in servers]
    # A websocket survives a lecture: the tunnel timeout is hours, the others stay short.
    defaults = dict(line.split(" ", 2)[1:] for line in _directives(config, "defaults")
                    if line.startswith("timeout "))
    assert _timeout_seconds(defaults["tunnel"]) >= 3 * 3600
    assert _timeout_seconds(defaults["client"]) <= 120
    assert "mode http" in _directives(config, "defaults")
    # Nothing left unfilled.
    assert "{{" not in config and "}}" not in config


def _haproxy_accepts(config: str, tmp_path: Path) -> None:
    path = tmp_path / "haproxy.cfg"
    path.write_text(config)
    checked = subprocess.run([_haproxy(), "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_two_local_replicas(tmp_path):
    backends = haproxy.local_backends([8502, 8503])
    config = haproxy.render(backends, bind=haproxy.bind_address("", 8501),
                            stats_socket=str(tmp_path / "haproxy.sock"))
    _check_hall_directives(config, [("replica1", "127.0.0.1:8502"),
                                    ("replica2", "127.0.0.1:8503")])
    assert _directives(config, "frontend hall")[0] == "bind *:8501"  # every interface
    assert f"stats socket {tmp_path / 'haproxy.sock'} mode 600 level admin" in \
        _directives(config, "global")
    _haproxy_accepts(config, tmp_path)


def test_remote_replicas_through_the_command_line(tmp_path):
    """`serve.sh --backends ... --print-config` prints only the configuration."""
    printed = subprocess.run(
        ["bash", "scripts/serve.sh", "--backends", "10.0.0.11:8501,10.0.0.12:8600,[fd00::3]:8501",
         "--port", "80", "--address", "192.168.1.5", "--print-config"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert printed.returncode == 0, printed.stderr
    config = printed.stdout
    _check_hall_directives(config, [("replica1", "10.0.0.11:8501"),
                                    ("replica2", "10.0.0.12:8600"),
                                    ("replica3", "ipv6@fd00::3:8501")])
    assert _directives(config, "frontend hall")[0] == "bind 192.168.1.5:80"
    # The stats socket goes where Debian's haproxy service keeps its own.
    assert "stats socket /run/haproxy/hall.sock mode 600 level admin" in \
        _directives(config, "global")
    _haproxy_accepts(config.replace("192.168.1.5:80", "127.0.0.1:80")
                     .replace("/run/haproxy/", f"{tmp_path}/"), tmp_path)


def test_every_template_field_is_filled():
    template = "global\n    stats socket {{ stats_socket }}\n    {{ surprise }}\n"
    with pytest.raises(ValueError, match="surprise"):
        haproxy.render(haproxy.local_backends([1]), bind="*:1", stats_socket="/s",
                       template=template)


@pytest.mark.parametrize("text", [
    "", "10.0.0.1", "10.0.0.1:0", "10.0.0.1:70000", "10.0.0.1:http", "fd00::3:8501",
    "10.0.0.1:8501 check", "host#x:8501", "a b:1", "10.0.0.1:8501,10.0.0.1:8501",
    "-bad-.example:8501", "x" * 300 + ":8501",
])
def test_bad_backends_are_refused(text):
    with pytest.raises(ValueError):
        haproxy.parse_backends(text)


def test_values_cannot_break_out_of_their_line():
    for bind in ("*:1\n    server evil 1.2.3.4:80", "*:1 # x", '"*:1"'):
        with pytest.raises(ValueError):
            haproxy.render(haproxy.local_backends([2]), bind=bind, stats_socket="/s")
    with pytest.raises(ValueError):
        haproxy.bind_address("0.0.0.0 ssl", 8501)


@pytest.mark.parametrize("arguments", [
    [], ["--replicas", "0"], ["--replicas", "17"], ["--replicas", "2", "--backends", "h:1"],
    ["--replicas", "2", "--port", "0"], ["--replicas", "2", "--server.port", "9000"],
    ["--replicas", "2", "--server.cookieSecret=x"], ["--replicas", "2", "--bogus"],
    ["--backends", "10.0.0.1:8501", "--server.maxUploadSize", "1"],
])
def test_hall_arguments_are_checked(arguments):
    with pytest.raises(SystemExit) as exit_info:
        hall.parse_arguments(arguments)
    assert exit_info.value.code == 2


def test_streamlit_options_go_to_the_replicas():
    args, passed = hall.parse_arguments(["--replicas", "2", "--server.maxUploadSize", "10"])
    assert (args.replicas, args.port, passed) == (2, 8501, ["--server.maxUploadSize", "10"])


def test_replica_ports_skip_busy_ones_and_the_front_port():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        ports = hall.choose_replica_ports(2, taken - 1, avoid=taken + 1)
    assert taken not in ports and taken + 1 not in ports and len(set(ports)) == 2
    assert all(port >= taken - 1 for port in ports)
