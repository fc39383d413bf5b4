#!/usr/bin/env bash
# Renders /docs and /redoc in headless Chromium (Debian's `chromium`) with every host except
# loopback unresolvable, and writes screenshots beside this script. Usage: serve the API on
# 127.0.0.1:8000 (`make run`), then `bash docs/check-offline-docs.sh`.
set -euo pipefail
cd "$(dirname "$0")"
for page in docs redoc; do
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d)" --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" \
    --window-size=1280,1000 --virtual-time-budget=8000 \
    --screenshot="offline-$page.png" "http://127.0.0.1:${PORT:-8000}/$page"
done
