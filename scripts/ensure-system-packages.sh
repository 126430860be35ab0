#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing:
#   chromium    headless browser for the Playwright and axe-core tests
#   postgresql  server binaries for the throwaway test database
#   fonts-dejavu-core  the PDF reports' font (reportlab's own Vera is the fallback)
#   poppler-utils      pdftoppm, to render exported PDFs to PNG in the tests
#   default-jre-headless  Java for the W3C Nu HTML checker (vnu-jar, tests/browser/test_html_validity.py)
#   nodejs, npm        to install vnu-jar (scripts/vnu) and, for make bench, Lighthouse (scripts/lighthouse)
set -euo pipefail

need=()
[ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null 2>&1 || need+=(chromium)
# the server binaries, and (as root) the postgres system user the package creates: initdb refuses root
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || { [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; }; then
  need+=(postgresql)
fi
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
# pdftoppm renders the exported PDF reports to PNG in the tests
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)

install_vnu() {
  # the Nu HTML checker at the version of scripts/vnu/package-lock.json (its own Java download is not wanted)
  local here; here="$(cd "$(dirname "$0")" && pwd)"
  [ -f "$here/vnu/node_modules/vnu-jar/build/dist/vnu.jar" ] ||
    (cd "$here/vnu" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
}

if [ ${#need[@]} -eq 0 ]; then
  install_vnu
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
install_vnu
