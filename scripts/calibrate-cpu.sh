#!/usr/bin/env bash
# Calibrates the HPCC kernels' CPU time on this machine (see src/workloads/hpcc/cpu.ts):
# installs Debian's hpcc (HPC Challenge 1.5) and a blocked BLAS when missing, runs
# hpcc natively as an MPI singleton at each size (memory per process, from
# hpccmemf.txt; HPCC derives every problem size from it), RUNS times each, and writes
# src/workloads/hpcc/cpu-calibration.ts from the best rate of each kernel.
#
#   scripts/calibrate-cpu.sh [--sizes "64 128 256"] [--runs 3] [--calibrate-at 256] [--keep DIR]
#
# Heavy: wrap it in the shared CPU lock on a shared machine (flock /tmp/ampom-cpu.lock).
# It never runs HPL with N = 200 or N = 400 (those sizes are held out).
set -euo pipefail
sizes="64 128 256"
runs=3
at=256
keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --calibrate-at) at="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    *) echo "calibrate-cpu: unknown argument $1 (use --sizes, --runs, --calibrate-at, --keep)" >&2; exit 2 ;;
  esac
done
here="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v hpcc >/dev/null; then
  # the packaged HPC Challenge; OpenBLAS (serial) so that DGEMM and HPL run a blocked,
  # packing BLAS as the generators model, not the reference BLAS
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hpcc libopenblas0-serial >/dev/null
fi
work="${keep:-$(mktemp -d)}"
mkdir -p "$work"
for m in $sizes; do
  for r in $(seq 1 "$runs"); do
    d="$work/$m-$r"
    mkdir -p "$d"
    # no hpccinf.txt: HPCC takes its defaults (HPCC_Defaults) and sizes from the memory
    echo "Process=$m" > "$d/hpccmemf.txt"
    echo "calibrate-cpu: hpcc at ${m} MiB, run $r of $runs" >&2
    # one process: hpcc started directly is an MPI singleton; the OMPI_ variables let
    # Open MPI run as root; one BLAS thread, as one process of the cluster
    (cd "$d" && OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
      hpcc > run.log 2>&1)
  done
done
blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || echo unknown)"
cd "$here"
npx tsx scripts/calibrate-cpu.ts --dir "$work" --at "$at" --blas "$blas"
