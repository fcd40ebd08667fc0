#!/usr/bin/env bash
# The one command that runs the whole test suite, on a fresh Debian machine or on a developer's:
#   bash scripts/test.sh                                  # everything: ruff, unit, AppTest, browser tests
#   bash scripts/test.sh tests/test_home.py -k title      # extra arguments go to pytest (paths from the repo root)
#   bash scripts/test.sh -m "not browser"                 # everything except the browser tests
# It installs the Debian packages the tests need when they are missing (one apt-get update for
# all of them; as root or through password-less sudo): python3-venv (for ensurepip), chromium and
# libatomic1 (the browser tests: Playwright's Node driver needs libatomic.so.1), redis-server (the
# Redis room-store tests) and haproxy (the lecture-hall tests). It creates .venv (Python >= 3.11)
# and installs the project with its test extras (skipped when pyproject.toml is unchanged since
# the last install), runs `ruff check .`, then pytest. Exits non-zero if anything fails,
# including a pytest run that collects no tests.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$REPO_ROOT"
export PYTHONUNBUFFERED=1

section "Debian packages"
want_python_venv
want_chromium
want_playwright_libs
want_command redis-server redis-server "the Redis room-store tests start their own redis-server"
want_command haproxy haproxy "the lecture-hall tests start HAProxy in front of the replicas"
install_system_packages

section "Python environment (.venv)"
setup_python_env test

section "Browser (Chromium through Playwright)"
check_browser

section "ruff check ."
ruff_status=0
"$VENV_DIR/bin/ruff" check . || ruff_status=$?
[ "$ruff_status" -eq 0 ] && echo "ruff: no problems"

section "pytest${*:+ $*}"
pytest_status=0
"$VENV_DIR/bin/python" -m pytest "$@" </dev/null || pytest_status=$?

section "Summary"
failed=0
if [ "$ruff_status" -ne 0 ]; then
    echo "FAILED: ruff check found problems (exit $ruff_status); try: .venv/bin/ruff check --fix ."
    failed=1
fi
case "$pytest_status" in
    0) echo "pytest: all selected tests passed" ;;
    5) echo "FAILED: pytest collected no tests (exit 5): check the paths and -k/-m expressions"; failed=1 ;;
    *) echo "FAILED: pytest exited with $pytest_status"; failed=1 ;;
esac
[ "$failed" -eq 0 ] && echo "OK: ruff and pytest passed"
exit "$failed"
