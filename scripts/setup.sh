# Shared set-up for scripts/test.sh and scripts/serve.sh (sourced, not run).
#
# Defines:
#   REPO_ROOT, VENV_DIR      absolute paths
#   section TITLE            prints a section header
#   setup_python_env [test]  creates .venv and installs the project (with "test": also its test
#                            extras: pytest, hypothesis, Playwright, ruff)
#   ensure_chromium          installs Debian's chromium at /usr/bin/chromium when it is missing
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

# apt-get without prompts; waits for a concurrent apt/dpkg (e.g. unattended-upgrades) instead of failing.
apt_install() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
            install -y -q --no-install-recommends "$@"
}

can_be_root() {
    [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
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
    # Debian ships the venv module without ensurepip unless python3-venv is installed; the
    # failed attempt leaves a half-made directory behind.
    rm -rf "$VENV_DIR"
    local version
    version=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    if ! can_be_root; then
        echo "ERROR: '$python -m venv' failed. Install the venv module first, as root:" >&2
        echo "    apt-get update && apt-get install -y python3-venv" >&2
        return 1
    fi
    echo "'$python -m venv' failed: installing Debian's python3-venv and trying again"
    apt_install python3-venv || apt_install "python$version-venv" || return 1
    "$python" -m venv "$VENV_DIR" || {
        rm -rf "$VENV_DIR"
        echo "ERROR: '$python -m venv' still fails after installing python3-venv" >&2
        return 1
    }
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

ensure_chromium() {
    if [ -x "$CHROMIUM_PATH" ]; then
        echo "Chromium found: $("$CHROMIUM_PATH" --version 2>/dev/null || echo "$CHROMIUM_PATH")"
        return 0
    fi
    if ! can_be_root; then
        echo "ERROR: $CHROMIUM_PATH is missing and this user can neither act as root nor use" >&2
        echo "password-less sudo. Install it once as root, then run this script again:" >&2
        echo "    apt-get update && apt-get install -y chromium" >&2
        return 1
    fi
    echo "$CHROMIUM_PATH is missing: installing Debian's chromium package"
    # Recommends bring the fonts that make text render in screenshots, so they stay on here.
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
            install -y -q chromium || return 1
    [ -x "$CHROMIUM_PATH" ] || {
        echo "ERROR: the chromium package installed but $CHROMIUM_PATH does not exist" >&2
        return 1
    }
}
