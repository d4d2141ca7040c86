#!/usr/bin/env bash
# Install the system packages iop uses, when this machine can (Debian/Ubuntu, as root).
#   scripts/system-deps.sh ocr       Tesseract with its Swedish model (scanned PDFs)
#   scripts/system-deps.sh browser   Debian's chromium + chromedriver (report browser test)
#   scripts/system-deps.sh office    LibreOffice Calc, headless (the workbook test reads
#                                    iop export's xlsx back with it)
#   scripts/system-deps.sh all       all three, plus python3.11 if missing and the DejaVu
#                                    font (tests render PDFs in other conventions with it)
# Idempotent and quiet: installs only what is missing. Elsewhere it prints what to install
# and exits 0, so `make extract` still runs (scanned pages then get a clear error row).
set -uo pipefail
want="${1:-ocr}"
can_apt() { command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; }
updated=0
install() {
  if ! can_apt; then
    echo "iop: please install: $* (e.g. sudo apt-get install $*)" >&2
    return 0
  fi
  [ $updated = 1 ] || { apt-get update -qq >/dev/null 2>&1; updated=1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null 2>&1 \
    || echo "iop: could not install $*" >&2
}
if [ "$want" = all ] && ! command -v python3.11 >/dev/null 2>&1; then
  install python3.11 python3.11-venv
fi
if [ "$want" = all ] && [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then
  install fonts-dejavu-core
fi
if [ "$want" = ocr ] || [ "$want" = all ]; then
  tesseract --list-langs 2>/dev/null | grep -qx swe || install tesseract-ocr tesseract-ocr-swe
fi
if [ "$want" = browser ] || [ "$want" = all ]; then
  { command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } \
    || install chromium chromium-driver
fi
if [ "$want" = office ] || [ "$want" = all ]; then
  command -v soffice >/dev/null 2>&1 || install libreoffice-calc-nogui
fi
exit 0
