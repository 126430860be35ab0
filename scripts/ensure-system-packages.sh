#!/usr/bin/env bash
# Installs the Debian packages the app and the tests need when they are missing; exits 0 at once, without root,
# when nothing is missing. With the argument `app` (`make run`) only what the app itself needs (the first two):
#   libpango-1.0-0, libpangoft2-1.0-0  text layout for WeasyPrint, which writes the PDF report
#   fonts-dejavu-core  the PDF report's font (embedded in the file)
#   chromium    headless browser for the Playwright and axe-core tests
#   postgresql  server binaries for the throwaway test database
#   poppler-utils      pdftoppm, to render exported PDFs to PNG in the tests
#   default-jre-headless  Java for the W3C Nu HTML checker (vnu-jar, tests/browser/test_html_validity.py)
#   nodejs, npm        to install vnu-jar (scripts/vnu) and, for make bench, Lighthouse (scripts/lighthouse)
# and then (tests only) vnu-jar itself with npm, at the version of scripts/vnu/package-lock.json.
set -euo pipefail

need=()
# WeasyPrint loads pango through its C library loader: the shared objects must be findable by the linker
for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0; do
  if ! ldconfig -p 2>/dev/null | grep -q "$lib" && ! compgen -G "/usr/lib/*/$lib" >/dev/null; then
    need+=("${lib%.so.0}-0")
  fi
done
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
if [ "${1:-}" != "app" ]; then
[ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null 2>&1 || need+=(chromium)
# the server binaries, and (as root) the postgres system user the package creates: initdb refuses root
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || { [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; }; then
  need+=(postgresql)
fi
# pdftoppm renders the exported PDF reports to PNG in the tests
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
fi

install_vnu() {
  # the Nu HTML checker for the tests (its own download of a Java runtime is not wanted: --ignore-scripts)
  [ "${1:-}" != "app" ] || return 0
  local here; here="$(cd "$(dirname "$0")" && pwd)"
  [ -f "$here/vnu/node_modules/vnu-jar/build/dist/vnu.jar" ] ||
    (cd "$here/vnu" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
}

if [ ${#need[@]} -eq 0 ]; then
  install_vnu "${1:-}"
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
install_vnu "${1:-}"
