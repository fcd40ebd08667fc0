"""Ready for a lecture hall: what a deployment reads, and the computation shared by a hall.

- requirements.txt (what Streamlit Community Cloud reads) lists exactly pyproject's runtime
  dependencies;
- .streamlit/config.toml holds the production settings, and every key in it is a real option;
- two sessions on the same demo share one EM run (one computation), each keeps its own
  half-step, and the store of runs is bounded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from streamlit import config as streamlit_config

from gmm_core import datasets

REPO_ROOT = Path(__file__).resolve().parents[2]
PAGE_2D = REPO_ROOT / "pages" / "3_EM_in_2-D.py"


def _requirements(lines: list[str]) -> dict[str, str]:
    """Requirement lines -> {canonical name: specifier}; comments and blank lines skipped."""
    found: dict[str, str] = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        name = requirement.name.lower().replace("_", "-")
        assert name not in found, f"{name} is listed twice"
        found[name] = str(requirement.specifier)
    return found


def test_requirements_txt_lists_exactly_the_runtime_dependencies():
    pyproject = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    runtime = _requirements(pyproject["project"]["dependencies"])
    listed = _requirements((REPO_ROOT / "requirements.txt").read_text().splitlines())
    assert listed == runtime, (
        "requirements.txt (read by Streamlit Community Cloud) and [project].dependencies in "
        "pyproject.toml differ: copy the dependency lines from pyproject.toml"
    )
    # Test tools stay out of a production install.
    assert not set(listed) & {"pytest", "hypothesis", "playwright", "ruff"}


def _config() -> dict:
    return tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text())


def test_config_toml_has_the_production_settings():
    config = _config()
    server = config["server"]
    assert server["headless"] is True
    # No file watcher: a lecture server never reruns scripts because a file changed.
    assert server["fileWatcherType"] == "none"
    assert server["runOnSave"] is False
    # An upload limit, and no larger than what the CSV validator itself accepts, so a student
    # is stopped by the uploader before the server reads a file it would refuse anyway.
    assert 1 <= server["maxUploadSize"] <= datasets.MAX_BYTES // 2**20
    assert config["browser"]["gatherUsageStats"] is False
    # No full garbage collection after every script run: ~130 ms of CPU per click otherwise.
    assert config["runner"]["postScriptGC"] is False
    # Tracebacks stay in the server's console.
    assert config["client"]["showErrorDetails"] in {"none", "type", False}
    theme = config["theme"]
    assert theme["base"] == "light"
    for name in ("primaryColor", "backgroundColor", "textColor"):
        assert theme[name].startswith("#") and len(theme[name]) == 7


def _relative_luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_relative_luminance(first), _relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_theme_projects_well():
    """WCAG AA for large text is 3:1, normal text 4.5:1; a projector loses contrast, so the
    theme aims well above: body text at least 7:1 and white on the primary colour 4.5:1."""
    theme = _config()["theme"]
    assert _contrast(theme["textColor"], theme["backgroundColor"]) >= 7
    assert _contrast(theme["textColor"], theme["secondaryBackgroundColor"]) >= 7
    assert _contrast("#ffffff", theme["primaryColor"]) >= 4.5


def test_every_config_key_is_a_streamlit_option():
    """A misspelt key is silently ignored by Streamlit: catch it here."""
    known = set(streamlit_config._config_options_template)
    written = {f"{section}.{name}" for section, options in _config().items()
               for name in options}
    assert written - known == set()


# --- the load test's own checks (benchmarks/load_test.py; the run itself is on demand) ---------


def test_load_test_is_bounded():
    from benchmarks import load_test

    defaults = load_test.parse_arguments([])
    assert (defaults.sessions, defaults.seconds) == (20, 60.0)
    for arguments in (["--sessions", "61"], ["--sessions", "0"], ["--seconds", "301"],
                      ["--baseline-seconds", "-1"], ["--n", "5"]):
        with pytest.raises(SystemExit):
            load_test.parse_arguments(arguments)


def test_protocol_load_is_bounded():
    from benchmarks import protocol_load

    defaults = protocol_load.parse_arguments([])
    assert (defaults.sessions, defaults.seconds) == (200, 60.0)
    assert protocol_load.parse_arguments(["--sessions", "300", "--seconds", "300"]).sessions == 300
    for arguments in (["--sessions", "301"], ["--sessions", "0"], ["--seconds", "301"],
                      ["--seconds", "0"], ["--baseline-seconds", "-1"], ["--n", "5"],
                      ["--think", "-1"], ["--think", "121"], ["--ramp", "-1"],
                      ["--ramp", "121"], ["--replicas", "0"], ["--replicas", "5"]):
        with pytest.raises(SystemExit):
            protocol_load.parse_arguments(arguments)
    # With every argument at its cap, a phase's own timeout fits inside the watchdog's budget,
    # and that budget is under an hour.
    caps = (protocol_load.MAX_SECONDS, protocol_load.MAX_RAMP_S)
    assert protocol_load.phase_timeout_s(*caps) < protocol_load.phase_budget_s(*caps) < 3600


def test_load_test_recognises_another_sessions_view():
    """The leakage check compares the screen with the session's own run, computed apart."""
    from benchmarks import load_test

    own = load_test.expected_run(300, 2, 11)
    other = load_test.expected_run(300, 2, 12)
    index = min(3, own.last)

    def view(expected, step):
        query = "&".join(f"{name}={value}" for name, value in expected.query.items())
        line = (f"Half-step {step}: E-step (iteration 1) · log-likelihood "
                f"{expected.shown_log_likelihood(step)} · {expected.last} half-step(s) computed")
        return {"url": f"http://127.0.0.1/EM_in_2-D?{query}&step={step}", "line": line,
                "errors": [], "buttons": {}}

    clean = load_test.SessionResult(0, 2, 11)
    load_test._check_view(view(own, index), own, index, clean)
    assert clean.leaks == [] and clean.errors == []

    leaked = load_test.SessionResult(0, 2, 11)
    load_test._check_view(view(other, index), own, index, leaked)
    assert any("seed" in leak for leak in leaked.leaks)
    assert any("log-likelihood" in leak for leak in leaked.leaks)

    behind = load_test.SessionResult(0, 2, 11)
    load_test._check_view(view(own, index - 1), own, index, behind)
    assert any("step" in leak for leak in behind.leaks)


def test_a_server_process_runs_one_blas_and_openmp_thread():
    """``limit_threads()`` (called by every page through ``start_page``, and by the home page)
    leaves every native thread pool at one thread, and importing ``ui`` alone changes nothing.

    threadpoolctl only limits libraries that are loaded when it is called; a second OpenBLAS
    thread spinning on a shared 2-core server doubled the CPU per click. Run in a fresh
    interpreter: the test process has its own limits and libraries loaded.
    """
    script = (
        "from ui.kit.display import limit_threads\n"
        "limit_threads()\n"
        "from threadpoolctl import threadpool_info\n"
        "import json; print(json.dumps([(i['internal_api'], i['num_threads']) "
        "for i in threadpool_info()]))\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, check=True,
                               capture_output=True, text=True, timeout=120)
    pools = json.loads(completed.stdout.strip().splitlines()[-1])
    assert {api for api, _ in pools} >= {"openblas", "openmp"}
    assert all(threads == 1 for _, threads in pools), pools


def test_no_import_limits_threads_as_a_side_effect():
    """Only ui.kit.display.limit_threads calls threadpool_limits, and every page calls it."""
    callers = [path.relative_to(REPO_ROOT).as_posix()
               for path in [*(REPO_ROOT / "ui").rglob("*.py"), *(REPO_ROOT / "gmm_core").rglob("*.py")]
               if "threadpool_limits(" in path.read_text()]
    assert callers == ["ui/kit/display.py"]
    for script in [REPO_ROOT / "app.py", *(REPO_ROOT / "pages").glob("*.py")]:
        text = script.read_text()
        assert "start_page(" in text or "limit_threads()" in text, script.name
