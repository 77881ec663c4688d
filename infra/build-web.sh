#!/usr/bin/env bash
# Build the web app when its build is missing or older than its sources (part of `./dev up`).
set -euo pipefail
cd "$(dirname "$0")/../frontend"
index=dist/iotsphere-web/browser/index.html
if [ -f "$index" ] && [ -z "$(find src public angular.json package-lock.json -newer "$index" -print -quit)" ]; then
  exit 0
fi
printf '\033[1m[setup]\033[0m %s\n' "building the web app (frontend/dist)"
npm run -s build >/dev/null
