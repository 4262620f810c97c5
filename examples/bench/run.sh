#!/usr/bin/env bash
# StackSim's benchmark set (docs/benchmarks.md): the event list's hold model at 1,000 and
# 100,000 pending, the full-stack direct job, the buffered job, MQSim's QD32 job, an HDD trace
# replay and a 32-point sweep, each run as a whole process RUNS times (default 5); prints the
# median wall time, CPU time (user + sys), peak RSS and simulated I/Os per wall-second.
#
#   examples/bench/run.sh                      # the set
#   MQSIM=/path/to/MQSim examples/bench/run.sh # also MQSim on the same workload, alternating
#                                              # runs with StackSim's, and the paired ratio
#
# MQSim's inputs: its own ssdconfig.xml with Ideal_Mapping_Table true (made here from the
# ssdconfig.xml beside the MQSim binary) and examples/mqsim/mqsim-randread-qd32.xml.
# The machine may be shared: compare ratios of alternating runs, not absolute times.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
runs=${RUNS:-5}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./stacksim --version >/dev/null            # builds the jar (and the CDS archive) if needed
jar="$here/sim-experiments/target/stacksim.jar"

# one measurement: prints "wall cpu rss_kb" of the command
measure() {
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >"$work/out" 2>"$work/err" || {
    echo "bench: failed: $*" >&2; cat "$work/err" >&2; exit 1; }
  awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$work/t"
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
row() { # name ios cmd...
  local name=$1 ios=$2; shift 2
  : >"$work/rows"
  for _ in $(seq "$runs"); do measure "$@" >>"$work/rows"; done
  local w c m
  w=$(cut -d' ' -f1 "$work/rows" | median); c=$(cut -d' ' -f2 "$work/rows" | median)
  m=$(cut -d' ' -f3 "$work/rows" | sort -n | tail -1)
  if [ "$ios" = - ]; then rate=-; else rate=$(awk -v n="$ios" -v w="$w" 'BEGIN {printf "%.0f", n / w}'); fi
  printf "%-34s %9s %9s %8d %14s\n" "$name" "$w" "$c" $((m / 1024)) "$rate"
}

echo "== event list: hold model (M events/s, this thread's CPU time, median of 7 rounds)"
mkdir -p "$work/hold"
javac -nowarn -d "$work/hold" -cp "$jar" sim-core/src/jmh/java/io/stacksim/engine/HoldCli.java \
  sim-core/src/jmh/java/io/stacksim/engine/*EventQueue.java
java -XX:+UseSerialGC -cp "$work/hold:$jar" io.stacksim.engine.HoldCli 7

echo
echo "== whole process, median of $runs runs"
printf "%-34s %9s %9s %8s %14s\n" "job" "wall s" "cpu s" "RSS MB" "I/Os per wall-s"
run=(./stacksim run)
export STACKSIM_QUIET=1
row "direct 4k QD32 mq-deadline, 3 M" 3000000 "${run[@]}" examples/bench/direct.yaml
row "buffered 4k QD32 cold 8 GiB, 1 M" 1000000 "${run[@]}" examples/bench/buffered.yaml
row "MQSim QD32 job (StackSim), 1 M" 1000000 "${run[@]}" examples/mqsim/randread-qd32.yaml
./stacksim run examples/bench/hdd-trace.yaml --blktrace "$work/hdd.blk" >/dev/null
row "HDD trace replay, 20 k, QD8" 20000 ./stacksim replay --stack examples/bench/hdd-stack.yaml \
  --timing closed --depth 8 "$work/hdd.blk"
row "32-point sweep (100 k I/Os each)" 3200000 ./stacksim sweep examples/bench/sweep32.yaml --out "$work/sweep"
row "start-up: a 1-I/O run" - ./stacksim run examples/bench/direct.yaml --set workload.number_ios=1

if [ -n "${MQSIM:-}" ]; then
  echo
  echo "== MQSim against StackSim on MQSim's job, alternating, $runs each"
  mq="$(cd "$(dirname "$MQSIM")" && pwd)"
  sed 's/<Ideal_Mapping_Table>false</<Ideal_Mapping_Table>true</' "$mq/ssdconfig.xml" >"$work/ssdconfig-ideal.xml"
  cp examples/mqsim/mqsim-randread-qd32.xml "$work/"
  : >"$work/pairs"
  for _ in $(seq "$runs"); do
    m=$(cd "$work" && measure "$MQSIM" -i ssdconfig-ideal.xml -w mqsim-randread-qd32.xml)
    s=$(measure "${run[@]}" examples/mqsim/randread-qd32.yaml)
    echo "$m $s" >>"$work/pairs"
  done
  awk '{ printf "MQSim wall %6.2f s cpu %6.2f s RSS %5d MB | StackSim wall %5.2f s cpu %5.2f s RSS %4d MB | ratio wall %5.2f cpu %5.2f\n",
         $1, $2, $3 / 1024, $4, $5, $6 / 1024, $1 / $4, $2 / $5 }' "$work/pairs"
  echo "paired median MQSim/StackSim: wall $(awk '{print $1 / $4}' "$work/pairs" | median), cpu $(awk '{print $2 / $5}' "$work/pairs" | median)"
fi
