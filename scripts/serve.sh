#!/usr/bin/env bash
# Starts the app:
#   bash scripts/serve.sh [streamlit options, e.g. --server.port 8080]
#       one Streamlit process (`streamlit run app.py`), options passed through;
#   bash scripts/serve.sh --replicas N [--port P] [--address IP] [streamlit options]
#       a lecture hall: N Streamlit replicas on 127.0.0.1 behind HAProxy on port P (default 8501),
#       installing Debian's haproxy when it is missing (see deploy/hall.py);
#   bash scripts/serve.sh --backends HOST:PORT,... [--port P] [--print-config]
#       HAProxy alone, in front of replicas on other machines (needs no .venv).
# Creates .venv and installs the project on first use (see scripts/setup.sh); Streamlit runs with
# the production settings of .streamlit/config.toml.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$REPO_ROOT"

mode=single
print_config=0
for argument in "$@"; do
    case "$argument" in
        --replicas | --replicas=*) mode=replicas ;;
        --backends | --backends=*) [ "$mode" = replicas ] || mode=backends ;;
        --print-config) print_config=1 ;;
    esac
done

# With --print-config, standard output carries only the configuration; messages go to stderr.
if [ "$print_config" = 1 ]; then exec 3>&1 1>&2; else exec 3>&1; fi

section "Debian packages"
[ "$mode" = backends ] || want_python_venv
# The SVG and PNG downloads are drawn by Kaleido in Debian's Chromium (ui/exports/images.py).
[ "$mode" = backends ] || want_chromium
[ "$mode" = single ] || [ "$print_config" = 1 ] ||
    want_command haproxy haproxy "the load balancer in front of the replicas"
install_system_packages

if [ "$mode" = backends ]; then
    # The load balancer's machine needs no app: the hall script uses the standard library only.
    python=$(find_python) || {
        echo "ERROR: no Python >= 3.11 found (tried python3.11, python3, python)." >&2
        exit 1
    }
    section "HAProxy in front of the replicas $*"
    exec "$python" -m deploy.hall "$@" 1>&3 3>&-
fi

section "Python environment (.venv)"
setup_python_env

if [ "$mode" = replicas ]; then
    section "A lecture hall: $*"
    exec "$VENV_DIR/bin/python" -m deploy.hall "$@" 1>&3 3>&-
fi

section "streamlit run app.py $*"
exec "$VENV_DIR/bin/streamlit" run app.py "$@" 3>&-
