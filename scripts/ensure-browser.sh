#!/usr/bin/env bash
# Headless Chromium renders the run-history page in the tests (tests/integration/test_run_reporting.py).
# Browser builds cannot be downloaded by tools that fetch their own, so it is Debian's package:
# installed here when this is Debian and we are root, else one line saying how, and exit 1.
set -euo pipefail
command -v chromium >/dev/null && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's chromium package (the page tests need a headless browser)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
    exit 0
fi
echo "make test needs headless Chromium: run 'sudo apt-get install chromium' (Debian/Ubuntu)" >&2
exit 1
