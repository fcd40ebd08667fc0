"""Plain helpers to drive the app in headless Chromium (no pytest fixtures here).

Shared by the browser tests and the benchmarks: the fixtures in ``tests/browser/conftest.py``
wrap these, and benchmarks import them directly
(``from devtools.browser import streamlit_server, launch_chromium, open_app_page``).
Screenshots go to ``tests/browser/screenshots/`` (git ignores it).

Typical browser test::

    @pytest.mark.browser
    def test_something(browser, fresh_server):
        base_url = fresh_server()                      # a server no one has visited yet
        page = open_app_page(browser, page_url(base_url, "pages/3_EM_in_2-D.py"))
        click_and_wait(page, "E-step")
        assert_no_exception(page)
        screenshot(page, "em_2d_after_e_step")
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from google.protobuf.message import DecodeError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from devtools.ports import free_port

REPO_ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT_DIR = REPO_ROOT / "tests" / "browser" / "screenshots"
CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
VIEWPORT = {"width": 1600, "height": 1000}
SERVER_START_TIMEOUT_S = 60.0
# Generous: the first run of a page imports scipy, scikit-learn and plotly on a shared 2-core box.
RUN_TIMEOUT_MS = 60_000

# The stepper pages' scripts (page_url turns them into their URLs).
PAGE_EM_1D = "pages/2_EM_in_1-D.py"
PAGE_EM_2D = "pages/3_EM_in_2-D.py"

APP_FINISHED = '[data-testid="stApp"][data-test-script-state="notRunning"]'
APP_COMPILE_ERROR = '[data-testid="stApp"][data-test-script-state="compilationError"]'
MAIN_BLOCK = '[data-testid="stMainBlockContainer"]'
EXCEPTION = '[data-testid="stException"]'


class ServerStartError(RuntimeError):
    """`streamlit run` exited or did not answer its health check in time."""


def _tail(path: Path, n_chars: int = 4000) -> str:
    text = path.read_text(errors="replace")
    return text[-n_chars:] if text else "(empty)"


def _stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM the server's whole process group, SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_until_healthy(process: subprocess.Popen, base_url: str, stderr_path: Path,
                        timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerStartError(
                f"`streamlit run` exited with code {process.returncode} before answering "
                f"{base_url}/_stcore/health. Its stderr:\n{_tail(stderr_path)}"
            )
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise ServerStartError(
        f"`streamlit run` did not answer 'ok' on {base_url}/_stcore/health within "
        f"{timeout_s:.0f} s. Its stderr:\n{_tail(stderr_path)}"
    )


@contextlib.contextmanager
def streamlit_server(*extra_args: str, script: str = "app.py",
                     timeout_s: float = SERVER_START_TIMEOUT_S) -> Iterator[str]:
    """Start a fresh `streamlit run <script>` from the repository root; yield its base URL.

    The server uses the interpreter running the tests, a free port, headless mode and no file
    watcher; ``extra_args`` are appended (e.g. ``"--server.maxUploadSize", "1"``). The process and
    its group are terminated on exit. Raises ServerStartError (with the server's stderr) if it
    does not come up within ``timeout_s``.
    """
    with tempfile.TemporaryDirectory(prefix="streamlit-server-") as log_dir:
        stdout_path = Path(log_dir) / "stdout.log"
        stderr_path = Path(log_dir) / "stderr.log"
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        command = [
            sys.executable, "-m", "streamlit", "run", script,
            "--server.headless", "true",
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false",
            *extra_args,
        ]
        # Log files, not pipes: nobody reads a pipe while the tests run, and a full pipe would
        # block the server mid-test.
        with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
            process = subprocess.Popen(
                command, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                start_new_session=True,
            )
        try:
            _wait_until_healthy(process, base_url, stderr_path, timeout_s)
            yield base_url
        finally:
            _stop_process_group(process)


def page_url(base_url: str, page_file: str) -> str:
    """The URL of a page script of Streamlit's built-in ``pages/`` mechanism.

    ``page_url("http://127.0.0.1:8501", "pages/3_EM_in_2-D.py")`` is
    ``"http://127.0.0.1:8501/EM_in_2-D"``; ``"app.py"`` (the entry point) maps to the root.
    """
    from streamlit.source_util import page_icon_and_name

    path = Path(page_file)
    if path.parent == Path("."):
        return f"{base_url}/"
    _icon, name = page_icon_and_name(path)
    return f"{base_url}/{name}"


def chromium_problem(*, chromium_path: str = CHROMIUM_PATH,
                     driver_path: str | None = None) -> str | None:
    """Why the browser tests cannot start a browser (with what to do about it), or None.

    Checks that Debian's Chromium (``chromium_path``) and Playwright's Node driver
    (``driver_path``, by default the ``node`` shipped in the installed playwright package) both
    start (``--version``). A shared library missing on the machine is named with the Debian
    package that provides it: a minimal Debian lacks ``libatomic.so.1`` (package libatomic1),
    without which the driver dies and Playwright only says "Connection closed while reading from
    the driver".
    """
    import re

    # Libraries seen missing on minimal Debian machines, and their packages.
    library_packages = {
        "libatomic.so.1": "libatomic1",
        "libstdc++.so.6": "libstdc++6",
        "libgcc_s.so.1": "libgcc-s1",
    }
    install_hint = ("Run `bash scripts/test.sh` (it installs the Debian packages the tests need) "
                    "or, as root, `apt-get update && apt-get install -y {packages}`.")

    def start_failure(executable: str, what: str) -> str | None:
        """None when ``executable --version`` runs; else what is wrong with it."""
        try:
            completed = subprocess.run([executable, "--version"], capture_output=True, text=True,
                                       timeout=60, stdin=subprocess.DEVNULL)
        except OSError as error:
            return f"{what} ({executable}) cannot be run: {error}."
        except subprocess.TimeoutExpired:
            return f"{what} ({executable}) did not answer `--version` within 60 s."
        if completed.returncode == 0:
            return None
        missing = set(re.findall(r"error while loading shared libraries: ([^:\s]+)",
                                 completed.stderr))
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            ldd = subprocess.run(["ldd", executable], capture_output=True, text=True, timeout=30)
            missing |= set(re.findall(r"^\s*(\S+) => not found", ldd.stdout, re.MULTILINE))
        if not missing:
            output = (completed.stderr or completed.stdout).strip()[-1500:] or "(no output)"
            return (f"{what} ({executable}) exits with code {completed.returncode} on "
                    f"`--version`:\n{output}")
        libraries = sorted(missing)
        packages = sorted({library_packages.get(library, f"<the package with {library}>")
                           for library in libraries})
        return (f"{what} ({executable}) cannot start: the shared librar"
                f"{'y' if len(libraries) == 1 else 'ies'} {', '.join(libraries)} "
                f"{'is' if len(libraries) == 1 else 'are'} missing (Debian package"
                f"{'' if len(packages) == 1 else 's'} {', '.join(packages)}). "
                + install_hint.format(packages=" ".join(packages)))

    if not os.access(chromium_path, os.X_OK):
        return (f"{chromium_path} is missing, so the browser tests cannot run. "
                + install_hint.format(packages="chromium"))
    if driver_path is None:
        try:
            from playwright._impl._driver import compute_driver_executable

            driver_path = compute_driver_executable()[0]
        except Exception as error:  # a private helper of Playwright's: say what happened
            return f"Playwright's Node driver cannot be found: {error}"
    return (start_failure(driver_path, "Playwright's Node driver")
            or start_failure(chromium_path, "Chromium"))


def launch_chromium(playwright):
    """Launch Debian's headless Chromium through Playwright (``playwright install`` is not used).

    Raises RuntimeError saying what is missing and how to install it when Chromium or
    Playwright's driver cannot start (see ``chromium_problem``), or with Chromium's own error
    and a command to reproduce it when the launch fails anyway.
    """
    from playwright.sync_api import Error as PlaywrightError

    problem = chromium_problem()
    if problem:
        raise RuntimeError(problem)
    try:
        return playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=list(CHROMIUM_ARGS)
        )
    except PlaywrightError as error:
        raise RuntimeError(
            f"{CHROMIUM_PATH} starts but Playwright could not launch it headless: "
            f"{str(error).strip()[:2000]}\nTo see Chromium's own error, run: {CHROMIUM_PATH} "
            f"--headless {' '.join(CHROMIUM_ARGS)} --dump-dom about:blank"
        ) from error


class _ScriptRunCounter:
    """Counts the script runs a page's server reported as finished over the websocket.

    The DOM's script-state attribute alone cannot tell a rerun that finished before we looked
    from one that never started; Streamlit's `script_finished` message is sent once per run.
    """

    def __init__(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._forward_msg = ForwardMsg
        # FINISHED_EARLY_FOR_RERUN is left out: an interrupted run is always followed by another.
        self._finished_statuses = {
            ForwardMsg.FINISHED_SUCCESSFULLY,
            ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
        }
        self.finished = 0
        self.acknowledged = 0

    def on_frame(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        message = self._forward_msg()
        try:
            message.ParseFromString(payload)
        except DecodeError:  # not a ForwardMsg: nothing to count
            return
        if (message.WhichOneof("type") == "script_finished"
                and message.script_finished in self._finished_statuses):
            self.finished += 1

    def attach(self, page) -> None:
        page.on("websocket", lambda socket_: socket_.on("framereceived", self.on_frame))


_COUNTERS: dict[int, _ScriptRunCounter] = {}


def _counter(page) -> _ScriptRunCounter:
    try:
        return _COUNTERS[id(page)]
    except KeyError:
        raise RuntimeError("open the page with open_app_page() so that its reruns are counted") from None


def _wait_for_finished_run(page, timeout_ms: int, what: str) -> None:
    """Wait for a script run not yet acknowledged, then until the page is idle.

    Every run that finished by then is acknowledged, so a run started by the page itself during
    the wait cannot satisfy the next call.
    """
    counter = _counter(page)
    deadline = time.monotonic() + timeout_ms / 1000
    while counter.finished <= counter.acknowledged:
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{what}: no script run finished within {timeout_ms / 1000:.0f} s "
                f"(page text: {page.locator('body').inner_text()[:1000]!r})"
            )
        # Lets Playwright dispatch the websocket events that advance the counter.
        page.wait_for_timeout(25)
    remaining_ms = max(1_000, int((deadline - time.monotonic()) * 1000))
    page.wait_for_selector(f"{APP_FINISHED}, {APP_COMPILE_ERROR}", timeout=remaining_ms)
    counter.acknowledged = counter.finished


def open_app_page(browser, url: str, *, timeout_ms: int = RUN_TIMEOUT_MS):
    """Open ``url`` in a new 1600x1000 browser context; return the Playwright page once the first
    script run has finished and the main block shows something.

    Raises AssertionError (with the page's text) if the script does not compile.
    """
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    counter = _ScriptRunCounter()
    _COUNTERS[id(page)] = counter
    page.on("close", lambda _page: _COUNTERS.pop(id(_page), None))
    counter.attach(page)
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    _wait_for_finished_run(page, timeout_ms, f"opening {url}")
    if page.locator(APP_COMPILE_ERROR).count():
        raise AssertionError(f"{url}: the page script does not compile:\n"
                             f"{page.locator(MAIN_BLOCK).inner_text()}")
    page.wait_for_function(
        "selector => { const block = document.querySelector(selector);"
        " return block !== null && block.innerText.trim().length > 0; }",
        arg=MAIN_BLOCK, timeout=timeout_ms,
    )
    return page


def wait_for_rerun(page, *, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """After an interaction (click, key, input), wait until the rerun it caused has finished.

    Counts finished runs from the websocket, so a rerun that was over before this call is still
    seen. Each finished run satisfies one call; a page that reruns by itself (a ``run_every``
    fragment while playing) also counts, so stop playback before relying on this.
    """
    _wait_for_finished_run(page, timeout_ms, "waiting for a rerun")


def click_and_wait(page, label: str, *, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Click the button whose label is exactly ``label`` and wait for the rerun it causes."""
    page.get_by_role("button", name=label, exact=True).click(timeout=timeout_ms)
    wait_for_rerun(page, timeout_ms=timeout_ms)


def choose_option(page, selectbox, option: str, *, attempts: int = 3) -> None:
    """Pick ``option`` in the Streamlit selectbox located by ``selectbox`` and wait for the rerun.

    The drop-down opens on a click but closes again if the page re-renders before the option
    is clicked (a component iframe or a chart finishing its first draw can do that on a busy
    machine), so the click that opens it is retried a few times.
    """
    wanted = page.get_by_role("option", name=option, exact=True)
    for attempt in range(attempts):
        selectbox.click()
        try:
            wanted.wait_for(state="visible", timeout=5_000)
            wanted.click(timeout=5_000)
            break
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
    wait_for_rerun(page)


def assert_no_exception(page) -> None:
    """Fail if the page shows Streamlit's exception box; the message includes its text."""
    exceptions = page.locator(EXCEPTION)
    if exceptions.count():
        texts = "\n---\n".join(exceptions.all_inner_texts())
        raise AssertionError(f"{page.url} shows {exceptions.count()} exception(s):\n{texts}")


def screenshot(page, name: str) -> Path:
    """Save a 1600x1000 screenshot to tests/browser/screenshots/<name>.png; return its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    if page.viewport_size != VIEWPORT:
        page.set_viewport_size(VIEWPORT)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path))
    return path
