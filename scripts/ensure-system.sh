#!/usr/bin/env bash
# Installe les paquets Debian dont AAP Inclusion a besoin, seulement s'ils manquent.
#   scripts/ensure-system.sh demo   → Pango + polices (WeasyPrint)
#   scripts/ensure-system.sh test   → idem + PostgreSQL, Chromium, Node/npm, poppler (pdftotext),
#                                     LibreOffice sans interface (ouverture et conversion des DOCX générés)
set -euo pipefail
profile="${1:-demo}"
missing=()

have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }

have_lib libpango-1.0.so || missing+=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core fontconfig)

if [ "$profile" = "test" ]; then
  command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installation des paquets système manquants : ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
