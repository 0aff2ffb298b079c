#!/usr/bin/env bash
# Installs what the end-to-end tests need beyond the sandbox, checking before installing:
# Debian's Chromium (site tests) and the workflow linters and act (tools/install-lint-tools.sh).
# Idempotent and quiet when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

# Root here and in CI; a hosted runner's user has passwordless sudo.
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo -n"
if ! command -v chromium >/dev/null 2>&1; then
  echo "test deps: installing chromium (Debian package)"
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [ -f tools/install-lint-tools.sh ]; then
  bash tools/install-lint-tools.sh
fi
