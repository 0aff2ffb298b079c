#!/usr/bin/env bash
# Installs the workflow tools into a cache dir, checking before installing (idempotent):
#   actionlint (Go module proxy), zizmor (crates.io), act (Go module proxy).
# Usage: install-lint-tools.sh [actionlint] [zizmor] [act]   (no argument = all three)
# Prints the bin directory on the last line of stdout; put it on PATH.
# Pinned versions: bump them here only.
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_VERSION="v1.7.12"
ZIZMOR_VERSION="1.26.1" # 1.28+ needs rustc 1.97; 1.27.0 is not on crates.io
ACT_VERSION="v0.2.89"

BIN="${SRE_CHAOS_TOOLS_BIN:-$PWD/.sre-chaos/cache/bin}"
mkdir -p "$BIN"
export GOBIN="$BIN"
# Keep the Go and cargo build caches under the same cache dir so a fresh clone rebuilds nothing twice.
export GOPATH="${GOPATH:-$PWD/.sre-chaos/cache/go}"

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
  echo "lint tools: installing zizmor $ZIZMOR_VERSION (cargo build; takes minutes the first time)" >&2
  root="$PWD/.sre-chaos/cache/cargo-root"
  CARGO_TARGET_DIR="$PWD/.sre-chaos/cache/cargo-target" \
    cargo install zizmor --version "$ZIZMOR_VERSION" --locked --root "$root" -j "${SRE_CHAOS_BUILD_JOBS:-2}" >&2
  ln -sf "$root/bin/zizmor" "$BIN/zizmor"
fi

echo "$BIN"
