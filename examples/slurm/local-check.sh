#!/bin/bash
# End-to-end check of the SLURM recipe in docs/sweeps.md on this machine: starts munged,
# slurmctld and slurmd for a one-node cluster on localhost (Debian's slurm-wlm 22.05 and
# munge), submits a job array of catalog shards and the merge that waits for it, and compares
# the merged runs.csv with an unsharded run of the same experiment, byte for byte.
#   sudo apt-get install slurm-wlm munge      # once
#   examples/slurm/local-check.sh [EXPERIMENT] [TASKS]     # default: queue-depth --quick, 4
# Needs root (it writes /etc/slurm/slurm.conf and starts the daemons); stops them at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
EXPERIMENT=${1:-queue-depth}
TASKS=${2:-4}
work=$(mktemp -d /tmp/stacksim-slurm.XXXXXX)
host=$(hostname -s)
cpus=$(nproc)
mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))

started_munge=0
wrote_conf=0
cleanup() {
  scancel --user="$(id -un)" >/dev/null 2>&1 || true
  [ -f "$work/slurmd.pid" ] && kill "$(cat "$work/slurmd.pid")" 2>/dev/null || true
  [ -f "$work/slurmctld.pid" ] && kill "$(cat "$work/slurmctld.pid")" 2>/dev/null || true
  # only the munged this script started, by its pid file (never by name: another may be running)
  [ "$started_munge" = 1 ] && [ -s /run/munge/munged.pid ] && kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
  [ "$wrote_conf" = 1 ] && rm -f /etc/slurm/slurm.conf
  rm -rf logs/stacksim-shard-* logs/stacksim-merge-* "$work"
  rmdir logs 2>/dev/null || true
}
trap cleanup EXIT

# munge: a key of our own unless the machine has one
mkdir -p /etc/munge /var/log/munge /var/lib/munge /run/munge
[ -s /etc/munge/munge.key ] || { dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 2>/dev/null; chmod 400 /etc/munge/munge.key; }
chown -R munge:munge /etc/munge /var/log/munge /var/lib/munge /run/munge 2>/dev/null || true
if ! munge -n >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged 2>/dev/null || /usr/sbin/munged --force
  started_munge=1
  sleep 1
fi

mkdir -p /etc/slurm "$work/spool/ctld" "$work/spool/d"
if [ -e /etc/slurm/slurm.conf ]; then
  echo "local-check: /etc/slurm/slurm.conf exists; this script sets up a cluster of its own only on a machine without one" >&2
  exit 2
fi
wrote_conf=1
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=stacksim-local
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$work/spool/ctld
SlurmdSpoolDir=$work/spool/d
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
NodeName=$host CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
/usr/sbin/slurmctld
/usr/sbin/slurmd
for _ in $(seq 30); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 1; done
sinfo

# build once before the tasks start, as the recipe says
./stacksim --version
export STACKSIM_SHARDS="$work/shards"
mkdir -p logs
jid=$(sbatch --parsable --array=1-"$TASKS" examples/slurm/sweep-array.sh "$EXPERIMENT" --quick)
mid=$(sbatch --parsable --dependency=afterok:"$jid" --output=logs/%x-%j.out --job-name=stacksim-merge \
  --wrap "./stacksim merge $work/shards/$EXPERIMENT/shard-* --out $work/merged")
echo "array $jid, merge $mid"
while squeue -h -j "$jid,$mid" 2>/dev/null | grep -q .; do sleep 5; done
for f in logs/stacksim-shard-"$jid"_*.out logs/stacksim-merge-"$mid".out; do
  echo "== $f"; grep -v '^sweep ' "$f" | tail -3
done

./stacksim experiment "$EXPERIMENT" --quick --out "$work/whole" --jobs "$cpus" > "$work/whole.log"
if cmp "$work/merged/runs.csv" "$work/whole/runs.csv"; then
  echo "OK: merged runs.csv of $TASKS shards is byte-identical to the unsharded run ($(wc -l < "$work/whole/runs.csv") lines)"
else
  echo "FAIL: merged runs.csv differs from the unsharded run" >&2
  exit 1
fi
