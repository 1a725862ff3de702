#!/usr/bin/env bash
# Install the Debian packages the tests and exports need, once; a no-op when they are present.
set -euo pipefail
# chromium: exports and the browser tests; fonts-noto-cjk: Chinese text in the browser and in exports;
# fonts-liberation: Latin text and digits in the briefing pack's PDF (their text maps stay searchable);
# poppler-utils: the pack tests read PDFs; nodejs + npm (only when npm is missing): `npm ci` installs axe-core
# for the accessibility tests; nginx: deploy/run-local.sh and its tests.
packages=(chromium fonts-noto-cjk fonts-liberation poppler-utils nginx)
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
