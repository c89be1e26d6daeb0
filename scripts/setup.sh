# Sourced by the other scripts: makes .venv with jsfix installed, once.
# Usage: . scripts/setup.sh [extras]   (extras: "test" for the test tools)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "jsfix needs Python 3.11 or newer ($PYTHON is $("$PYTHON" --version 2>&1))" >&2; exit 1; }
extras=${1:-}
stamp=".venv/.installed${extras:+-$extras}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  # compat: a plain path in a .pth file. The default editable mode installs an
  # import hook that `site` loads, with pathlib and urllib, before every start.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check \
    --config-settings editable_mode=compat -e ".${extras:+[$extras]}"
  touch "$stamp"
fi
# Bytecode for jsfix's own modules: where PYTHONDONTWRITEBYTECODE is set (as
# in some CI images) every start would compile them again, about 30 ms.
.venv/bin/python -m compileall -q jsfix >/dev/null || true
