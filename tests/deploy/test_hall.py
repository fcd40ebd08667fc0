"""`bash scripts/serve.sh --replicas N`: real Streamlit replicas behind a real HAProxy.

Each test starts the hall on free loopback ports (as the README's command, through serve.sh),
checks it through HAProxy, stops it with a signal and checks that nothing it started is left.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import http.server
import os
import signal
import socket
import threading
import time
from pathlib import Path

from deploy.hall_process import process_alive, processes_in_groups, running_hall
from deploy.haproxy import COOKIE

STOP_WAIT_S = 30.0


def _get(url: str, path: str, cookie: str | None = None) -> http.client.HTTPResponse:
    host_port = url.removeprefix("http://")
    connection = http.client.HTTPConnection(host_port, timeout=30)
    connection.request("GET", path, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def _replica_cookie(response: http.client.HTTPResponse) -> str | None:
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        if name.strip() == COOKIE:
            return rest.split(";", 1)[0]
    return None


def _requests_per_replica(hall) -> dict[str, int]:
    return {name: int(row["req_tot"]) for name, row in hall.stats().items() if name != "BACKEND"}


def _websocket_ping_through(url: str, cookie: str) -> None:
    """Open Streamlit's websocket through HAProxy and get a pong back through the tunnel."""
    host, port = url.removeprefix("http://").rsplit(":", 1)
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall((
            f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Protocol: streamlit\r\nOrigin: {url}\r\n"
            f"Cookie: {COOKIE}={cookie}\r\n\r\n").encode())
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(4096)
            assert chunk, f"connection closed during the handshake: {received!r}"
            received += chunk
        head, _, rest = received.partition(b"\r\n\r\n")
        status, *header_lines = head.decode().split("\r\n")
        assert status.startswith("HTTP/1.1 101"), head.decode()
        headers = {k.strip().lower(): v.strip()
                   for k, v in (line.split(":", 1) for line in header_lines)}
        accept = base64.b64encode(hashlib.sha1(
            (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
        assert headers["sec-websocket-accept"] == accept
        # A masked ping with a payload; the server's pong carries the same payload back.
        payload, mask = b"hall", os.urandom(4)
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
        connection.sendall(bytes([0x89, 0x80 | len(payload)]) + mask + masked)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            while len(rest) < 2:
                rest += connection.recv(4096)
            opcode, length = rest[0] & 0x0F, rest[1] & 0x7F
            header_size = 2 + {126: 2, 127: 8}.get(length, 0)
            while len(rest) < header_size:
                rest += connection.recv(4096)
            if length >= 126:
                length = int.from_bytes(rest[2:header_size], "big")
            while len(rest) < header_size + length:
                rest += connection.recv(65536)
            frame, rest = rest[header_size:header_size + length], rest[header_size + length:]
            if opcode == 0xA:
                assert frame == payload
                return
        raise AssertionError("no pong came back through HAProxy's websocket tunnel")


def _assert_all_stopped(hall, code: int) -> None:
    assert code == 0, "\n".join(hall.output[-30:])
    assert hall.output[-1] == "STOPPED"
    started = hall.started_pids()
    deadline = time.monotonic() + STOP_WAIT_S
    while time.monotonic() < deadline and (
            any(process_alive(pid) for pid in started) or processes_in_groups(started)):
        time.sleep(0.2)
    assert not [pid for pid in started if process_alive(pid)], hall.output[-20:]
    # Nothing in their process groups either (each child leads its own group).
    assert processes_in_groups(started) == []
    assert not hall.stats_socket.parent.exists(), "the run directory was left behind"


def test_two_replicas_behind_haproxy_stick_by_cookie_and_stop_on_ctrl_c():
    with running_hall(replicas=2) as hall:
        assert set(hall.replicas) == {"replica1", "replica2"}
        ports = {int(replica.url.rsplit(":", 1)[1]) for replica in hall.replicas.values()}
        assert all(replica.url.startswith("http://127.0.0.1:") for replica in hall.replicas.values())
        assert int(hall.url.rsplit(":", 1)[1]) not in ports
        # "UP", or "UP 1/3" after a slow health check on this shared machine.
        assert all(row["status"].startswith("UP") for row in hall.stats().values())

        # Without the cookie, round robin spreads new browsers over both replicas; each learns
        # its replica from the cookie HAProxy sets.
        assigned = [_replica_cookie(_get(hall.url, "/")) for _ in range(4)]
        assert set(assigned) == {"replica1", "replica2"}, assigned

        # With the cookie, every request (page, health, websocket) goes to that one replica.
        before = _requests_per_replica(hall)
        for path in ("/", "/_stcore/health", "/EM_in_2-D?dataset=blobs&n=200&k=2&seed=1"):
            response = _get(hall.url, path, cookie="replica2")
            assert response.status == 200
            assert _replica_cookie(response) is None  # already sticky: nothing to set
        _websocket_ping_through(hall.url, cookie="replica2")
        after = _requests_per_replica(hall)
        assert after["replica1"] == before["replica1"]
        assert after["replica2"] == before["replica2"] + 4

        # One cookie secret for all replicas, never printed nor on a command line.
        secrets = set()
        for replica in hall.replicas.values():
            environ = Path(f"/proc/{replica.pid}/environ").read_bytes().split(b"\0")
            secrets |= {entry.split(b"=", 1)[1] for entry in environ
                        if entry.startswith(b"STREAMLIT_SERVER_COOKIE_SECRET=")}
            assert b"cookieSecret" not in Path(f"/proc/{replica.pid}/cmdline").read_bytes()
        assert len(secrets) == 1 and len(secrets.pop()) >= 32
        secret = Path(f"/proc/{hall.replicas['replica1'].pid}/environ").read_bytes()
        secret = secret.split(b"STREAMLIT_SERVER_COOKIE_SECRET=", 1)[1].split(b"\0", 1)[0]
        assert secret.decode() not in "\n".join(hall.output)
        assert secret not in hall.config_path.read_bytes()

        code = hall.stop(signal.SIGINT)  # what Ctrl-C sends to the terminal's process group
    _assert_all_stopped(hall, code)


def test_a_replica_that_dies_is_started_again_and_sigterm_stops_everything():
    with running_hall(replicas=1) as hall:
        first_pid = hall.replicas["replica1"].pid
        os.kill(first_pid, signal.SIGKILL)
        hall.wait_for_line("RESTARTED replica1", timeout_s=30)
        assert hall.replicas["replica1"].pid != first_pid
        # HAProxy sees it again, and serves through it.
        deadline = time.monotonic() + 120
        while not hall.stats()["replica1"]["status"].startswith("UP") or \
                _get(hall.url, "/_stcore/health").status != 200:
            assert time.monotonic() < deadline, hall.stats()["replica1"]
            time.sleep(0.5)
        code = hall.stop(signal.SIGTERM)
    assert not process_alive(first_pid)
    _assert_all_stopped(hall, code)


class _FakeReplica(http.server.BaseHTTPRequestHandler):
    """Answers like a healthy Streamlit replica; records the Cookie header of each page request."""

    cookies: list[str | None] = []

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        if self.path != "/_stcore/health":
            type(self).cookies.append(self.headers.get("Cookie"))
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_backends_elsewhere_get_haproxy_alone():
    """`serve.sh --backends host:port`: HAProxy in front of a replica it did not start."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeReplica)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with running_hall(backends=f"127.0.0.1:{server.server_address[1]}") as hall:
            assert hall.replicas == {}  # nothing started but HAProxy
            response = _get(hall.url, "/some/page")
            assert response.status == 200 and _replica_cookie(response) == "replica1"
            seen = len(_FakeReplica.cookies)
            assert _get(hall.url, "/again", cookie="replica1").status == 200
            # It reached the replica; HAProxy keeps its own cookie to itself.
            assert _FakeReplica.cookies[seen:] == [None]
            code = hall.stop(signal.SIGTERM)
        _assert_all_stopped(hall, code)
    finally:
        server.shutdown()
        server.server_close()
