#!/usr/bin/env bash
# Install whatever is missing for the local stack and the tests. Running it twice changes nothing.
#  - Debian packages: mosquitto, influxdb (1.x)
#  - the project venv (.venv, Python 3.13) with constraints.txt pins
#  - LocalStack's own venv (Python 3.13) with its pins, shared between clones in the cache folder
#  - the web app: Debian's chromium (its browser tests) and frontend/node_modules (npm ci)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

find_python313() {
  for candidate in "${IOTSPHERE_PYTHON:-}" python3.13 "$HOME/.pyenv/versions/3.13"*/bin/python3.13 /usr/bin/python3.13; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

# 1. Debian packages
missing=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
command -v mosquitto_passwd >/dev/null 2>&1 || missing+=(mosquitto)
command -v influxd >/dev/null 2>&1 || missing+=(influxdb)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY313=$(find_python313) || { echo "[setup] Python 3.13 not found: install it (pyenv install 3.13) or set IOTSPHERE_PYTHON" >&2; exit 1; }

pip_quiet() { "$@" --disable-pip-version-check -q 2> >(grep -v "^WARNING: Location" >&2); }

# 2. The project venv
stamp_of() { cat "$@" | sha256sum | cut -c1-16; }
want=$(stamp_of pyproject.toml constraints.txt)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.iotsphere-stamp 2>/dev/null)" != "$want" ]; then
  log "building the project venv (.venv, $("$PY313" --version))"
  [ -x .venv/bin/python ] || "$PY313" -m venv .venv
  pip_quiet .venv/bin/pip install -c constraints.txt -e '.[dev]'
  echo "$want" > .venv/.iotsphere-stamp
fi

# 3. LocalStack's venv (host mode, no Docker)
LS_VENV="${IOTSPHERE_CACHE:-$HOME/.cache/iotsphere}/localstack-$(stamp_of infra/localstack/requirements.txt)"
if [ ! -x "$LS_VENV/bin/python" ] || [ ! -f "$LS_VENV/.complete" ]; then
  log "building LocalStack's venv in $LS_VENV"
  rm -rf "$LS_VENV"
  "$PY313" -m venv "$LS_VENV"
  pip_quiet "$LS_VENV/bin/pip" install -r infra/localstack/requirements.txt
  touch "$LS_VENV/.complete"
fi
mkdir -p .iotsphere
echo "$LS_VENV" > .iotsphere/localstack-venv

# 4. The web app's npm packages (Node 20 and npm from the machine), again when the lock file changes
command -v npm >/dev/null 2>&1 || { echo "[setup] npm not found: install Node.js 20.19+ (the web app needs it)" >&2; exit 1; }
want=$(stamp_of frontend/package-lock.json)
if [ ! -d frontend/node_modules ] || [ "$(cat frontend/node_modules/.iotsphere-stamp 2>/dev/null)" != "$want" ]; then
  log "installing the web app's npm packages (frontend/node_modules)"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$want" > frontend/node_modules/.iotsphere-stamp
fi
log "ready"
