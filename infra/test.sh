#!/usr/bin/env bash
# Every check and every test tier. The integration and end-to-end tiers start the real services
# themselves (tests/conftest.py) and fail, never skip, when one does not come up.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff";          ruff check layers functions tests
echo "== mypy";          mypy
echo "== import contracts"; lint-imports --no-cache
echo "== web app (api:check, lint, unit tests, build, gzipped budget, smoke in Chromium)"
(cd frontend && npm run -s check && SCREENSHOT_DIR="$(mktemp -d)" npm run -s e2e:smoke)
echo "== pytest"
pytest "$@"
