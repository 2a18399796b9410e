# Shared steps of bin/start and bin/test. Sourced, not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${DOORSTEP_PYTHON:-python3}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root_apt() {
  if [ "$(id -u)" -ne 0 ]; then
    say "Need Debian packages: $*. Run as root: apt-get install -y $*"
    exit 1
  fi
  say "Installing $* with apt"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

# The virtualenv, with the pinned packages; reinstalled only when the pins change.
ensure_venv() {
  local extras="$1"
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating virtualenv in .venv"
    if ! "$PY" -m venv "$VENV" 2>/dev/null; then
      rm -rf "$VENV"
      as_root_apt python3-venv
      "$PY" -m venv "$VENV"
    fi
  fi
  local stamp="$VENV/.doorstep-$extras-$(cat "$ROOT/pyproject.toml" "$ROOT/requirements.lock" | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    say "Installing Python packages ($extras)"
    "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/pip" install -q --disable-pip-version-check -c "$ROOT/requirements.lock" -e "$ROOT[$extras]"
    rm -f "$VENV"/.doorstep-"$extras"-*
    touch "$stamp"
  fi
}

# PostGIS for the PostgreSQL whose binaries we use.
ensure_postgis() {
  local pg_bin
  pg_bin="${DOORSTEP_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/pg_config" ]; then
    say "PostgreSQL's binaries were not found under /usr/lib/postgresql; install postgresql-15"
    exit 1
  fi
  local version
  version="$(basename "$(dirname "$pg_bin")")"
  if [ ! -f "$("$pg_bin/pg_config" --sharedir)/extension/postgis.control" ]; then
    as_root_apt "postgresql-$version-postgis-3"
  fi
}

# Debian's chromium, for the browser tests (Playwright's own download is not used).
ensure_chromium() {
  if ! command -v chromium >/dev/null 2>&1; then
    as_root_apt chromium
  fi
}
