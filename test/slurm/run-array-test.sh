#!/usr/bin/env bash
# A sweep as a real Slurm job array: starts a one-node Slurm cluster on localhost (its
# own munged, config, ports and state in a temporary folder; /etc is left alone),
# submits test/slurm/sweep.json as `sbatch --array=0-6:2` with `--shard slurm`, merges the
# shards, and checks the merged file is byte-identical to a one-machine sweep.
# Needs root: it installs slurm-wlm and munge when missing, and runs the daemons.
# Exit 0 on success; any failure prints the daemons' and jobs' logs and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
TASKS=${AMPOM_SLURM_TASKS:-4}
CONFIG=$REPO/test/slurm/sweep.json

say() { echo "slurm-array-test: $*" >&2; }
[ "$(id -u)" = 0 ] || { say "must run as root (it installs and starts munge and slurm)"; exit 1; }

if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  say "installing slurm-wlm and munge"
  export DEBIAN_FRONTEND=noninteractive
  timeout 900 apt-get update -q
  timeout 1800 apt-get install -y -q slurm-wlm munge
fi

# the CLI from the sources (as the tests run it), so a stale dist/ cannot hide a change
AMPOM=("$(command -v node)" --import tsx "$REPO/src/cli/main.ts")

WORK=$(mktemp -d /tmp/ampom-slurm.XXXXXX)
chmod 700 "$WORK"
mkdir -p "$WORK"/{munge,state,spool,log,out}
export SLURM_CONF=$WORK/slurm.conf
STATUS=1

stop_pidfile() { # stops the daemon whose pid is in $1, waiting up to 10 s
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  set +e
  if [ "$STATUS" != 0 ]; then
    say "FAILED; logs follow"
    for f in "$WORK"/log/* "$WORK"/out/*.log; do [ -f "$f" ] && { echo "----- $f"; tail -n 40 "$f"; }; done >&2
  fi
  timeout 20 scancel --quiet --user=root 2>/dev/null
  stop_pidfile "$WORK/slurmd.pid"
  stop_pidfile "$WORK/slurmctld.pid"
  stop_pidfile "$WORK/munge/munged.pid"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# munge, on its own key and socket
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$WORK/munge/munge.key"
SOCKET=$WORK/munge/munge.socket
timeout 20 munged --force --key-file="$WORK/munge/munge.key" --socket="$SOCKET" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/log/munged.log" --seed-file="$WORK/munge/munged.seed"
timeout 10 munge --socket="$SOCKET" -n | timeout 10 unmunge --socket="$SOCKET" >/dev/null
say "munged up"

HOST=$(hostname -s 2>/dev/null || cut -d. -f1 /proc/sys/kernel/hostname)
CPUS=$(nproc)
cat > "$SLURM_CONF" <<CONF
ClusterName=ampomtest
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SOCKET
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF

timeout 30 slurmctld -f "$SLURM_CONF"
timeout 30 slurmd -f "$SLURM_CONF" -N "$HOST"
for i in $(seq 60); do
  state=$(timeout 10 sinfo -h -n "$HOST" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  [ "$i" = 60 ] && { say "node did not become idle (state: ${state:-none})"; exit 1; }
  sleep 1
done
say "one-node cluster up ($HOST, $CPUS CPUs)"

# the job: one shard a task, the shard from SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT
cat > "$WORK/job.sh" <<JOB
#!/usr/bin/env bash
set -euo pipefail
cd "$REPO"
exec ${AMPOM[*]} sweep "$CONFIG" --shard slurm --workers 1 --quiet --out "$WORK/out/shard-\$SLURM_ARRAY_TASK_ID.jsonl"
JOB
chmod +x "$WORK/job.sh"
# a stepped array (0,2,4,...) checks that --shard slurm numbers tasks by
# SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_STEP as this Slurm sets them
say "submitting a $TASKS-task array (--array=0-$((2 * (TASKS - 1))):2)"
timeout 900 sbatch --wait --array=0-$((2 * (TASKS - 1))):2 --time=10 --cpus-per-task=1 \
  --output="$WORK/out/task-%a.log" --job-name=ampom-sweep "$WORK/job.sh"

"${AMPOM[@]}" sweep-merge "$CONFIG" --out "$WORK/merged.jsonl" "$WORK"/out/shard-*.jsonl
"${AMPOM[@]}" sweep "$CONFIG" --workers 2 --quiet --out "$WORK/local.jsonl"
runs=$(wc -l < "$WORK/local.jsonl")
if ! cmp "$WORK/merged.jsonl" "$WORK/local.jsonl"; then
  say "the merged array results differ from the local sweep"
  exit 1
fi
say "PASS: $TASKS array tasks, $runs runs, merged results byte-identical to a local sweep"
STATUS=0
