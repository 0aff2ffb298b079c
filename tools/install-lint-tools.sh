#!/usr/bin/env bash
# Installs the workflow tools into a cache dir, checking before installing (idempotent):
#   actionlint (Go module proxy), zizmor (PyPI, a prebuilt binary in a wheel), act (Go module proxy).
# The cache lives outside the clone (per user), so a fresh clone on the same machine installs nothing.
# Usage: install-lint-tools.sh [actionlint] [zizmor] [act]   (no argument = all three)
# Prints the bin directory on the last line of stdout; put it on PATH.
# Pinned versions: bump them here only.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_VERSION="v1.7.12"
ZIZMOR_VERSION="1.32.0" # from PyPI: seconds, where a cargo build from crates.io took ~25 minutes
ACT_VERSION="v0.2.89"

CACHE="${SRE_CHAOS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sre-chaos}"
BIN="${SRE_CHAOS_TOOLS_BIN:-$CACHE/bin}"
mkdir -p "$BIN"
export GOBIN="$BIN"

WANT=" ${*:-actionlint zizmor act} "
want() { [[ "$WANT" == *" $1 "* ]]; }

have() { # have <name> <version-substring>
  [ -x "$BIN/$1" ] && "$BIN/$1" --version 2>/dev/null | grep -q -- "${2#v}"
}

if want actionlint && ! have actionlint "$ACTIONLINT_VERSION"; then
  echo "lint tools: installing actionlint $ACTIONLINT_VERSION" >&2
  go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2
fi

if want act && ! have act "$ACT_VERSION"; then
  echo "lint tools: installing act $ACT_VERSION" >&2
  go install "github.com/nektos/act@$ACT_VERSION" >&2
fi

if want zizmor && ! have zizmor "$ZIZMOR_VERSION"; then
  echo "lint tools: installing zizmor $ZIZMOR_VERSION (PyPI)" >&2
  venv="$CACHE/zizmor-venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "zizmor==$ZIZMOR_VERSION" >&2
  ln -sf "$venv/bin/zizmor" "$BIN/zizmor"
fi

echo "$BIN"
