#!/usr/bin/env bash
# Render a dockguard HTML verification report in headless Chromium (Debian's
# `chromium` package) and save a PNG screenshot, to check that the
# self-contained report displays without network access.
#
# Usage: scripts/report-screenshot.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
#
# Make the report first, for example:
#   go run ./cmd/dockguard report --format html -o report.html .
#
# Chromium gets a fresh profile in a new temporary folder (removed at the
# end) and every background network feature off, so nothing but the file is
# loaded.
set -euo pipefail

if [ $# -lt 1 ]; then
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
report=$1
out=${2:-${report%.html}.png}
size=${3:-1280x2400}

if [ ! -f "$report" ]; then
  echo "report-screenshot: no such file: $report" >&2
  exit 2
fi
browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
  echo "report-screenshot: no Chromium found; install it with: apt-get install -y chromium" >&2
  exit 2
fi

profile=$(mktemp -d "${TMPDIR:-/tmp}/dockguard-chromium.XXXXXX")
trap 'rm -rf "$profile"' EXIT

abs_report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
abs_out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
rm -f "$abs_out"

# --no-sandbox: Chromium's sandbox cannot start as root in containers and CI.
timeout 120 "$browser" \
  --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" \
  --window-size="${size/x/,}" \
  --screenshot="$abs_out" "file://$abs_report" >"$profile/chromium.log" 2>&1 || {
    echo "report-screenshot: $browser failed:" >&2
    tail -n 20 "$profile/chromium.log" >&2
    exit 1
  }
if [ ! -s "$abs_out" ]; then
  echo "report-screenshot: $browser wrote no screenshot" >&2
  tail -n 20 "$profile/chromium.log" >&2
  exit 1
fi
echo "$abs_out"
