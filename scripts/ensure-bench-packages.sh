#!/usr/bin/env bash
# Installs the Debian packages `make bench` needs when they are missing:
#   wrk  the bounded HTTP load generator for the throughput run against gunicorn
# and, with npm, Lighthouse for the pages' table (scripts/bench_pages.py).
# (PostgreSQL's server binaries come from scripts/ensure-system-packages.sh, which `make bench` calls too.)
set -euo pipefail

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)

# Lighthouse (scripts/bench_pages.py) at the version of scripts/lighthouse/package-lock.json
here="$(cd "$(dirname "$0")" && pwd)"
[ -x "$here/lighthouse/node_modules/.bin/lighthouse" ] ||
  (cd "$here/lighthouse" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing Debian packages: ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1; then
  SUDO="sudo"
else
  echo "Missing packages (${need[*]}) and no root or sudo to install them: run 'apt-get install ${need[*]}' as root." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}"
