#!/usr/bin/env bash
# Starts the app: bash scripts/serve.sh [streamlit options, e.g. --server.port 8080]
# Creates .venv and installs the project on first use (see scripts/setup.sh), then runs Streamlit
# with the production settings of .streamlit/config.toml.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$REPO_ROOT"

section "Python environment (.venv)"
setup_python_env

section "streamlit run app.py $*"
exec "$VENV_DIR/bin/streamlit" run app.py "$@"
