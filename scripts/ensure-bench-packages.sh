#!/usr/bin/env bash
# Installs the Debian packages `make bench` needs when they are missing:
#   wrk  the bounded HTTP load generator for the throughput run against gunicorn
# (PostgreSQL's server binaries come from scripts/ensure-system-packages.sh, which `make bench` calls too.)
set -euo pipefail

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)

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
