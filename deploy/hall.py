"""One command for a lecture hall: Streamlit replicas behind HAProxy, started and stopped together.

Run through the set-up script, which installs HAProxy and the app first::

    bash scripts/serve.sh --replicas 2 [--port 8501] [--address IP] [streamlit options]
    bash scripts/serve.sh --backends 10.0.0.11:8501,10.0.0.12:8501 [--port 80]
    bash scripts/serve.sh --backends 10.0.0.11:8501,10.0.0.12:8501 --print-config

With ``--replicas N`` it starts N ``streamlit run app.py`` on 127.0.0.1 (ports P+1, P+2, ...,
skipping busy ones), all with one ``server.cookieSecret`` generated for this start (passed in
their environment, never printed), waits until each answers ``/_stcore/health``, then starts
HAProxy on port P with the configuration rendered from ``deploy/haproxy.cfg.template`` into a
private run directory. With ``--backends`` it starts only HAProxy, in front of replicas that run
elsewhere. ``--print-config`` prints the configuration and starts nothing.

Machine-readable lines on standard output (for tests and benchmarks; see deploy/hall_process.py)::

    REPLICA replica1 http://127.0.0.1:8502 pid=4242
    HAPROXY pid=4244 config=/tmp/em-hall-8501-x/haproxy.cfg stats=/tmp/em-hall-8501-x/haproxy.sock
    READY http://127.0.0.1:8501
    STOPPED

READY comes once HAProxy answers ``/_stcore/health`` and sees every replica up. A replica that
dies is started again on its port (at most 5 times in 10 minutes; ``--no-restart`` leaves it
down) and reported as ``RESTARTED replica1 pid=...``. SIGINT (Ctrl-C), SIGTERM or SIGHUP stop
HAProxy and every replica, each in its own process group, and remove the run directory (unless
it was given with ``--run-dir``); replicas and HAProxy also get SIGTERM if this process dies.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from deploy import haproxy

REPO_ROOT = Path(__file__).resolve().parent.parent
MAX_REPLICAS = 16
REPLICA_START_TIMEOUT_S = 180.0  # a first start on a fresh machine compiles every module
HAPROXY_START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
MAX_RESTARTS = 5
RESTART_WINDOW_S = 600.0
# Options the hall sets on each replica itself.
_RESERVED_OPTIONS = ("--server.port", "--server.address", "--server.cookieSecret")


class Stop(Exception):
    """A stop signal arrived."""


class HallError(RuntimeError):
    """The hall could not start or lost HAProxy; the message says why."""


def say(line: str) -> None:
    # A closed terminal or pipe must not stop the hall from stopping its processes.
    with contextlib.suppress(OSError):
        print(line, flush=True)


def parse_arguments(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """(options, streamlit options passed to every replica). Exits 2 with a message on misuse."""
    parser = argparse.ArgumentParser(
        prog="bash scripts/serve.sh",
        description="Serve the app to a lecture hall: Streamlit replicas behind HAProxy.",
        epilog="Other --section.option arguments (e.g. --server.maxUploadSize 10) go to every "
               "replica's `streamlit run`.")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--replicas", type=int, metavar="N",
                       help=f"start N replicas on this machine (1 to {MAX_REPLICAS}; one per core)")
    where.add_argument("--backends", metavar="HOST:PORT,...",
                       help="put HAProxy in front of replicas already running elsewhere")
    parser.add_argument("--port", type=int, default=8501,
                        help="the port students connect to (default 8501)")
    parser.add_argument("--address", default="",
                        help="listen on this address only (default: every interface)")
    parser.add_argument("--first-replica-port", type=int, metavar="PORT",
                        help="replicas take the free ports from PORT up (default: --port + 1)")
    parser.add_argument("--run-dir", type=Path,
                        help="where the configuration, stats socket and logs go (kept on exit; "
                             "default: a new private temporary directory, removed on exit)")
    parser.add_argument("--no-restart", action="store_true",
                        help="leave a replica that dies down instead of starting it again")
    parser.add_argument("--print-config", action="store_true",
                        help="print the HAProxy configuration and start nothing")
    args, streamlit_options = parser.parse_known_args(argv)
    if args.replicas is not None and not 1 <= args.replicas <= MAX_REPLICAS:
        parser.error(f"--replicas must be from 1 to {MAX_REPLICAS}")
    if not 1 <= args.port <= 65535:
        parser.error("--port must be from 1 to 65535")
    try:
        haproxy.bind_address(args.address, args.port)
        if args.backends is not None:
            args.backends = haproxy.parse_backends(args.backends)
    except ValueError as error:
        parser.error(str(error))
    if streamlit_options and args.backends is not None:
        parser.error(f"unknown arguments {' '.join(streamlit_options)} (replicas elsewhere take "
                     "their own Streamlit options)")
    for option in streamlit_options:
        if option.startswith("--") and "." not in option.split("=", 1)[0]:
            parser.error(f"unknown argument {option}")
        if option.split("=", 1)[0] in _RESERVED_OPTIONS:
            parser.error(f"{option.split('=', 1)[0]} is set by the hall itself")
    return args, streamlit_options


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def choose_replica_ports(count: int, first: int, avoid: int) -> list[int]:
    """``count`` free loopback ports from ``first`` up, skipping ``avoid`` (HAProxy's port)."""
    ports: list[int] = []
    port = first
    while len(ports) < count:
        if port > 65535:
            raise HallError(f"no {count} free ports from {first} up for the replicas")
        if port != avoid and port_is_free(port):
            ports.append(port)
        port += 1
    return ports


def lan_address() -> str | None:
    """This machine's address on its network (the one its default route leaves from), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # a documentation address: no packet is sent
            address = probe.getsockname()[0]
        except OSError:
            address = None
    if address and not address.startswith("127."):
        return address
    with contextlib.suppress(OSError):
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            if not info[4][0].startswith("127."):
                return info[4][0]
    return None


try:
    _LIBC = ctypes.CDLL(None, use_errno=True)  # loaded here: the child only calls into it
except OSError:
    _LIBC = None
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the hall process dies, even by SIGKILL (Linux)."""
    if _LIBC is not None:
        with contextlib.suppress(Exception):
            _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def http_ok(url: str, timeout_s: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError, ValueError):
        return False


def log_tail(path: Path, n_chars: int = 3000) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return text[-n_chars:].strip() or "(empty)"


@dataclass
class Child:
    """A process the hall started, in its own process group, logging to ``log``."""

    name: str
    command: list[str]
    log: Path
    env: dict[str, str] | None = None
    process: subprocess.Popen | None = None
    exits: deque = field(default_factory=deque)  # monotonic times of unexpected exits

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=REPO_ROOT, env=self.env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_die_with_parent)

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, signum: int) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signum)

    def wait_stopped(self, deadline: float) -> None:
        """Wait for the process until ``deadline``, then SIGKILL its whole group."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            say(f"{self.name} did not stop within {STOP_TIMEOUT_S:.0f} s: killing it")
            self.signal_group(signal.SIGKILL)
            self.process.wait(timeout=10)
        # Anything the process left behind in its group goes too.
        self.signal_group(signal.SIGKILL)


class Hall:
    def __init__(self, args: argparse.Namespace, streamlit_options: list[str]) -> None:
        self.args = args
        self.streamlit_options = streamlit_options
        self.keep_run_dir = args.run_dir is not None
        self.run_dir: Path | None = None
        self.replicas: list[Child] = []
        self.replica_urls: dict[str, str] = {}
        self.haproxy: Child | None = None
        self.stopping: str | None = None  # the name of the stop signal once one arrived

    # -- start -----------------------------------------------------------------------------

    def make_run_dir(self) -> Path:
        if self.args.run_dir is not None:
            self.args.run_dir.mkdir(parents=True, exist_ok=True)
            self.run_dir = self.args.run_dir.resolve()
        else:
            self.run_dir = Path(tempfile.mkdtemp(prefix=f"em-hall-{self.args.port}-"))
        self.run_dir.chmod(0o700)  # the stats socket gives admin rights over HAProxy
        return self.run_dir

    def backends(self) -> list[haproxy.Backend]:
        if self.args.backends is not None:
            return self.args.backends
        first = self.args.first_replica_port or self.args.port + 1
        ports = choose_replica_ports(self.args.replicas, first, avoid=self.args.port)
        return haproxy.local_backends(ports)

    def render(self, backends: list[haproxy.Backend], stats_socket: Path) -> str:
        return haproxy.render(backends, bind=haproxy.bind_address(self.args.address,
                                                                  self.args.port),
                              stats_socket=str(stats_socket))

    def start_replicas(self, backends: list[haproxy.Backend]) -> None:
        assert self.run_dir is not None
        env = dict(os.environ)
        # One secret for every replica, so that a cookie signed by one (the XSRF token) is
        # accepted by another after a fail-over. In the environment, not on the command line,
        # where `ps` would show it to every user.
        env["STREAMLIT_SERVER_COOKIE_SECRET"] = secrets.token_urlsafe(32)
        env.setdefault("PYTHONUNBUFFERED", "1")
        for backend in backends:
            command = [sys.executable, "-m", "streamlit", "run", "app.py",
                       "--server.port", str(backend.port), "--server.address", backend.host,
                       *self.streamlit_options]
            replica = Child(backend.name, command, self.run_dir / f"{backend.name}.log", env)
            replica.start()
            self.replicas.append(replica)
            self.replica_urls[backend.name] = backend.url
            say(f"REPLICA {backend.name} {backend.url} pid={replica.pid}")

    def wait_for_replicas(self) -> None:
        deadline = time.monotonic() + REPLICA_START_TIMEOUT_S
        waiting = list(self.replicas)
        while waiting:
            self.check_stop()
            for replica in list(waiting):
                if not replica.running():
                    raise HallError(f"{replica.name} exited with code "
                                    f"{replica.process.returncode} while starting. Its log "
                                    f"({replica.log}):\n{log_tail(replica.log)}")
                if http_ok(f"{self.replica_urls[replica.name]}/_stcore/health"):
                    waiting.remove(replica)
            if waiting and time.monotonic() > deadline:
                names = ", ".join(replica.name for replica in waiting)
                raise HallError(f"{names} did not answer /_stcore/health within "
                                f"{REPLICA_START_TIMEOUT_S:.0f} s")
            time.sleep(0.25)

    def start_haproxy(self, config: str, stats_socket: Path) -> None:
        assert self.run_dir is not None
        executable = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")
        if executable is None:
            raise HallError("haproxy is not installed; as root: apt-get install -y haproxy "
                            "(bash scripts/serve.sh installs it when it can act as root)")
        config_path = self.run_dir / "haproxy.cfg"
        config_path.write_text(config)
        checked = subprocess.run([executable, "-c", "-q", "-f", str(config_path)],
                                 capture_output=True, text=True)
        if checked.returncode != 0:
            raise HallError(f"HAProxy refuses {config_path}:\n{checked.stdout}{checked.stderr}")
        # -db: stay in the foreground, so that this process owns it and sees it exit.
        self.haproxy = Child("haproxy", [executable, "-db", "-f", str(config_path)],
                             self.run_dir / "haproxy.log")
        self.haproxy.start()
        say(f"HAPROXY pid={self.haproxy.pid} config={config_path} stats={stats_socket}")

    def front_url(self) -> str:
        """The URL this machine reaches HAProxy at (loopback unless bound to one address)."""
        address = self.args.address
        if address in ("", "0.0.0.0", "*", "::"):
            return f"http://127.0.0.1:{self.args.port}"
        return f"http://[{address}]:{self.args.port}" if ":" in address else \
            f"http://{address}:{self.args.port}"

    def wait_for_haproxy(self, stats_socket: Path, names: list[str]) -> None:
        """Until HAProxy answers the health check and (for local replicas) sees all of them UP."""
        assert self.haproxy is not None
        deadline = time.monotonic() + HAPROXY_START_TIMEOUT_S
        health = f"{self.front_url()}/_stcore/health"
        need_all = self.args.backends is None
        while True:
            self.check_stop()
            if not self.haproxy.running():
                raise HallError(f"HAProxy exited with code {self.haproxy.process.returncode}. "
                                f"Its log:\n{log_tail(self.haproxy.log)}")
            states = {}
            with contextlib.suppress(OSError, RuntimeError):
                states = {name: row["status"]
                          for name, row in haproxy.read_stats(stats_socket).items()}
            up = [name for name in names if states.get(name, "").startswith("UP")]
            if http_ok(health) and (len(up) == len(names) or (not need_all and up)):
                return
            if time.monotonic() > deadline:
                raise HallError(f"HAProxy did not answer {health} with every replica up within "
                                f"{HAPROXY_START_TIMEOUT_S:.0f} s (states: {states or 'unknown'})."
                                f" Its log:\n{log_tail(self.haproxy.log)}")
            time.sleep(0.25)

    def announce(self, backends: list[haproxy.Backend]) -> None:
        port = self.args.port
        if self.args.address in ("", "0.0.0.0", "*", "::"):
            lan = lan_address()
            student_url = f"http://{lan}:{port}/" if lan else None
        else:
            student_url = f"{self.front_url()}/"
        say("")
        say(f"The app is served by {len(backends)} replica(s) behind HAProxy on port {port}.")
        if student_url:
            say(f"Give the students this address:  {student_url}")
            say(f"  e.g. the 2-D stepper:  {student_url}EM_in_2-D?dataset=blobs&n=2000&k=3&seed=1")
        else:
            say(f"This machine has no network address besides loopback: {self.front_url()}/")
        say(f"Replicas: {', '.join(f'{b.name} {b.url}' for b in backends)}")
        say(f"Logs and HAProxy's configuration: {self.run_dir}")
        say("Ctrl-C stops HAProxy and every replica.")
        say(f"READY {self.front_url()}")

    # -- run -------------------------------------------------------------------------------

    def check_stop(self) -> None:
        if self.stopping:
            raise Stop

    def on_signal(self, signum: int, _frame) -> None:
        # Only a flag: printing here could re-enter a print the signal interrupted.
        if not self.stopping:
            self.stopping = signal.Signals(signum).name

    def watch(self) -> None:
        """Until a stop signal: restart replicas that die; give up if HAProxy dies."""
        while True:
            self.check_stop()
            assert self.haproxy is not None
            if not self.haproxy.running():
                raise HallError(f"HAProxy exited with code {self.haproxy.process.returncode}. "
                                f"Its log:\n{log_tail(self.haproxy.log)}")
            for replica in self.replicas:
                if replica.process is None or replica.running():
                    continue
                self.replica_died(replica)
            if self.replicas and not any(replica.running() for replica in self.replicas):
                raise HallError("every replica is down")
            time.sleep(0.5)

    def replica_died(self, replica: Child) -> None:
        code = replica.process.returncode
        now = time.monotonic()
        replica.exits.append(now)
        while replica.exits and replica.exits[0] < now - RESTART_WINDOW_S:
            replica.exits.popleft()
        if self.args.no_restart or len(replica.exits) > MAX_RESTARTS:
            why = "--no-restart" if self.args.no_restart else \
                f"{MAX_RESTARTS} restarts in {RESTART_WINDOW_S / 60:.0f} minutes"
            say(f"DOWN {replica.name} exited with code {code} and stays down ({why}); "
                f"log: {replica.log}")
            replica.process = None
            return
        say(f"{replica.name} exited with code {code} (log: {replica.log}); starting it again")
        replica.start()
        say(f"RESTARTED {replica.name} pid={replica.pid}")

    def stop_all(self) -> None:
        """HAProxy first (no new traffic), then the replicas; SIGKILL whatever lingers."""
        children = ([self.haproxy] if self.haproxy else []) + self.replicas
        for child in children:
            if child.running():
                child.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for child in children:
            child.wait_stopped(deadline)

    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self.on_signal)
        failed = False
        try:
            run_dir = self.make_run_dir()
            stats_socket = run_dir / "haproxy.sock"
            backends = self.backends()
            config = self.render(backends, stats_socket)
            if self.args.backends is None:
                self.start_replicas(backends)
                self.wait_for_replicas()
            self.start_haproxy(config, stats_socket)
            self.wait_for_haproxy(stats_socket, [backend.name for backend in backends])
            self.announce(backends)
            self.watch()
        except Stop:
            say(f"\nStopping (signal {self.stopping})")
        except (HallError, OSError, ValueError) as error:
            failed = True
            say(f"ERROR: {error}")
        finally:
            # A second Ctrl-C must not interrupt the clean-up.
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(signum, signal.SIG_IGN)
            self.stop_all()
            if self.run_dir is not None:
                if failed:
                    say(f"The logs are kept in {self.run_dir}")
                elif not self.keep_run_dir:
                    shutil.rmtree(self.run_dir, ignore_errors=True)
            say("STOPPED")
        return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args, streamlit_options = parse_arguments(sys.argv[1:] if argv is None else argv)
    hall = Hall(args, streamlit_options)
    if args.print_config:
        stats = (args.run_dir or Path("/run/haproxy")) / "hall.sock"
        try:
            sys.stdout.write(hall.render(hall.backends(), stats))
        except (HallError, ValueError) as error:
            print(f"ERROR: {error}", file=sys.stderr)
            return 1
        return 0
    return hall.run()


if __name__ == "__main__":
    sys.exit(main())
