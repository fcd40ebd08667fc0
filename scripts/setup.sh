# Shared set-up for scripts/test.sh and scripts/serve.sh (sourced, not run).
#
# Defines:
#   REPO_ROOT, VENV_DIR      absolute paths
#   section TITLE            prints a section header
#   want_python_venv         notes python3-venv when .venv must be made and ensurepip is missing
#   want_chromium            notes chromium when /usr/bin/chromium is missing
#   want_playwright_libs     notes the libraries Playwright's Node driver needs (libatomic1)
#   want_command CMD PKG WHY notes PKG when the command CMD is missing (redis-server, haproxy)
#   install_system_packages  installs every package noted above with one apt-get update and
#                            one apt-get install (as root or through password-less sudo)
#   setup_python_env [test]  creates .venv and installs the project (with "test": also its test
#                            extras: pytest, hypothesis, Playwright, ruff)
#   check_browser            says (without failing) why Chromium or Playwright's driver cannot start
#
# Works as root or as a user with password-less sudo, with CI=true and no standard input.
# The callers set `set -euo pipefail`; every function here returns non-zero on failure.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV_DIR="$REPO_ROOT/.venv"
# The stamp holds the hash of pyproject.toml at the last successful install and what was
# installed ("runtime" or "test"); it lives inside .venv so that deleting the environment also
# forgets the install.
INSTALL_STAMP="$VENV_DIR/.installed-pyproject-sha256"
CHROMIUM_PATH=/usr/bin/chromium

section() {
    printf '\n==== %s ====\n' "$*"
}

# Runs a command as root: directly when we are root, else through password-less sudo.
# Returns 1 (running nothing) when neither is possible.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}

# Prints the first interpreter that is Python >= 3.11 (python3.11 preferred: the version we test).
find_python() {
    local candidate
    for candidate in python3.11 python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

# Serialises the set-up of one checkout: two scripts started at once must not build .venv together.
# flock on the repository directory itself needs no lock file; without flock we go on unlocked.
lock_setup() {
    if command -v flock >/dev/null 2>&1; then
        exec 8<"$REPO_ROOT"
        flock 8
    fi
}

unlock_setup() {
    if command -v flock >/dev/null 2>&1; then
        flock -u 8
        exec 8<&-
    fi
}

create_venv() {
    local python=$1
    echo "Creating $VENV_DIR with $python ($("$python" --version 2>&1))"
    if "$python" -m venv "$VENV_DIR"; then
        return 0
    fi
    # A failed attempt leaves a half-made directory behind.
    rm -rf "$VENV_DIR"
    echo "ERROR: '$python -m venv' failed (see above)." >&2
    if ! "$python" -c 'import ensurepip' >/dev/null 2>&1; then
        echo "    Its ensurepip module is missing: on Debian, install it as root with" >&2
        echo "    apt-get update && apt-get install -y python3-venv" >&2
    fi
    return 1
}

pyproject_hash() {
    "$VENV_DIR/bin/python" -c \
        'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' \
        "$REPO_ROOT/pyproject.toml"
}

setup_python_env() {
    local extras=${1:-runtime}
    case "$extras" in
        runtime) local target="." ;;
        test) local target=".[test]" ;;
        *) echo "ERROR: setup_python_env takes 'test' or nothing, not '$extras'" >&2; return 1 ;;
    esac
    lock_setup
    local python
    # A .venv whose interpreter no longer runs (moved checkout, removed base Python) is rebuilt.
    if ! "$VENV_DIR/bin/python" -c 'import sys' >/dev/null 2>&1; then
        python=$(find_python) || {
            echo "ERROR: no Python >= 3.11 found (tried python3.11, python3, python)." >&2
            echo "    On Debian: apt-get install -y python3 python3-venv" >&2
            unlock_setup
            return 1
        }
        rm -rf "$VENV_DIR"
        create_venv "$python" || { unlock_setup; return 1; }
    fi
    local wanted stamp_hash="" stamp_extras=""
    wanted=$(pyproject_hash)
    if [ -f "$INSTALL_STAMP" ]; then
        read -r stamp_hash stamp_extras <"$INSTALL_STAMP" || true
    fi
    # A test install also serves the app; a runtime-only install lacks the test tools.
    if [ "$stamp_hash" = "$wanted" ] && { [ "$extras" = runtime ] || [ "$stamp_extras" = test ]; }; then
        echo "$VENV_DIR is up to date with pyproject.toml (delete .venv to force a reinstall)"
    else
        if [ "$extras" = test ]; then
            echo "Installing the project and its test tools into $VENV_DIR (a few minutes the first time)"
        else
            echo "Installing the project into $VENV_DIR (a few minutes the first time)"
        fi
        rm -f "$INSTALL_STAMP"
        (cd "$REPO_ROOT" &&
            "$VENV_DIR/bin/python" -m pip install --disable-pip-version-check --progress-bar off \
                --upgrade pip &&
            "$VENV_DIR/bin/python" -m pip install --disable-pip-version-check --progress-bar off \
                -e "$target") || { unlock_setup; return 1; }
        echo "$wanted $extras" >"$INSTALL_STAMP"
    fi
    unlock_setup
}

# ---------------------------------------------------------------- system packages
#
# The want_* functions note the Debian packages that are missing; install_system_packages then
# installs them all with one `apt-get update` (slow) and one `apt-get install`.

MISSING_PACKAGES=()

can_be_root() {
    [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
}

# want PACKAGE REASON: notes a missing package (once).
want() {
    local package=$1 reason=$2 noted
    for noted in "${MISSING_PACKAGES[@]}"; do
        [ "$noted" = "$package" ] && return 0
    done
    MISSING_PACKAGES+=("$package")
    echo "missing: $package ($reason)"
}

# Is the Debian package installed? False where there is no dpkg (then nothing is installed).
package_installed() {
    command -v dpkg-query >/dev/null 2>&1 &&
        [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# python3 -m venv needs the ensurepip module, which Debian ships in python3-venv (the venv
# module itself is part of python3). Only checked when .venv has yet to be made.
want_python_venv() {
    "$VENV_DIR/bin/python" -c 'import sys' >/dev/null 2>&1 && return 0
    local python
    python=$(find_python) || return 0 # setup_python_env says what to do
    "$python" -c 'import ensurepip' >/dev/null 2>&1 ||
        want python3-venv "'$python -m venv' needs its ensurepip module"
}

want_chromium() {
    [ -x "$CHROMIUM_PATH" ] ||
        want chromium "$CHROMIUM_PATH: the browser tests drive it, and Kaleido draws the SVG/PNG downloads with it"
}

# Playwright's Node driver (.venv/.../playwright/driver/node) links libatomic.so.1, which a
# minimal Debian lacks and neither python3-venv nor chromium pulls in; without it every browser
# test fails with "Connection closed while reading from the driver". libstdc++6 and libgcc-s1,
# its other libraries, are part of every Debian (apt needs them).
want_playwright_libs() {
    command -v dpkg-query >/dev/null 2>&1 || return 0
    package_installed libatomic1 ||
        want libatomic1 "libatomic.so.1, needed by Playwright's Node driver"
}

# want_command COMMAND PACKAGE REASON: notes PACKAGE when COMMAND is on neither PATH nor in
# /usr/sbin (not on a normal user's PATH, where Debian puts haproxy).
want_command() {
    command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ] ||
        want "$2" "$3"
}

install_system_packages() {
    if [ "${#MISSING_PACKAGES[@]}" -eq 0 ]; then
        echo "All the Debian packages needed are installed"
        return 0
    fi
    local packages="${MISSING_PACKAGES[*]}"
    if ! can_be_root; then
        echo "ERROR: Debian packages are missing ($packages) and this user can neither act as" >&2
        echo "root nor use password-less sudo. Install them once as root, then run this again:" >&2
        echo "    apt-get update && apt-get install -y $packages" >&2
        return 1
    fi
    echo "Installing Debian packages: $packages"
    # Recommends stay on: chromium's bring the fonts that make text render in screenshots. The
    # lock timeout waits for a concurrent apt/dpkg (e.g. unattended-upgrades) instead of failing.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
            install -y -q "${MISSING_PACKAGES[@]}" || {
        echo "ERROR: apt-get could not install $packages (see above)" >&2
        return 1
    }
    MISSING_PACKAGES=()
    if [[ " $packages " == *" chromium "* ]] && [ ! -x "$CHROMIUM_PATH" ]; then
        echo "ERROR: the chromium package installed but $CHROMIUM_PATH does not exist" >&2
        return 1
    fi
}

# Prints why Chromium or Playwright's driver cannot start (the browser tests' own diagnosis,
# devtools/browser.py), or that both can. Never fails: the browser tests report it again.
check_browser() {
    (cd "$REPO_ROOT" && "$VENV_DIR/bin/python" -c '
import sys
from devtools.browser import chromium_problem
problem = chromium_problem()
print(f"WARNING: the browser tests will fail: {problem}" if problem
      else "Chromium and Playwright'"'"'s driver start")
') || echo "WARNING: could not check the browser set-up (see above)"
}
