#!/usr/bin/env bash
# Captures a page-level trace of any command: runs it under valgrind's lackey tool and
# streams lackey's output straight into `ampom trace import - -o OUT.amt`; the raw text
# is never stored. Installs valgrind (Debian package) when it is missing.
#
#   scripts/capture-trace.sh -o OUT.amt [--page-size BYTES] [--quiet] -- COMMAND [ARGS...]
#
# Lackey writes its trace to the descriptor given by --log-fd (3 here, piped to the
# importer); the command's own standard output goes to standard error, so it cannot
# mix into the trace. Set AMPOM to override how the importer is run.
set -euo pipefail

usage() { echo "usage: $0 -o OUT.amt [--page-size BYTES] [--quiet] -- COMMAND [ARGS...]" >&2; exit 2; }

out=""
page_size=4096
quiet=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -o|--out) out="${2:-}"; shift 2 ;;
    --page-size) page_size="${2:-}"; shift 2 ;;
    -q|--quiet) quiet=(--quiet); shift ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) break ;;
  esac
done
[[ -n "$out" && $# -gt 0 ]] || usage

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
elif [[ -f "$root/dist/cli/commands/trace.js" ]]; then
  ampom=(node "$root/bin/ampom.js")
else
  ampom=(npx --prefix "$root" tsx "$root/src/cli/main.ts")
fi

# fd 3 -> the pipe (lackey's log); fd 1 -> our stderr (the command's output)
valgrind --tool=lackey --trace-mem=yes --log-fd=3 "$@" 3>&1 1>&2 \
  | "${ampom[@]}" trace import - -o "$out" --page-size "$page_size" "${quiet[@]}"
