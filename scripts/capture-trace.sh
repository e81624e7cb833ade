#!/usr/bin/env bash
# A thin wrapper of `ampom trace capture` that first installs valgrind (Debian package)
# when it is missing. Every argument goes to the command:
#
#   scripts/capture-trace.sh -o OUT.amt [--skip N] [--max-records N] [--quiet] -- COMMAND [ARGS...]
#
# Set AMPOM to override how ampom is run.
set -euo pipefail

if ! command -v valgrind >/dev/null 2>&1; then
  echo "capture-trace: valgrind not found; installing it (apt-get install valgrind)" >&2
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq valgrind >&2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -n "${AMPOM:-}" ]]; then
  read -r -a ampom <<<"$AMPOM"
elif [[ -f "$root/dist/cli/main.js" ]]; then
  ampom=(node "$root/bin/ampom.js")
else
  ampom=(npx --prefix "$root" tsx "$root/src/cli/main.ts")
fi
exec "${ampom[@]}" trace capture "$@"
