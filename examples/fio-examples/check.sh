#!/usr/bin/env bash
# Regenerates docs/fio.md's table over fio's own example job files (Debian package fio-examples):
# for each, does real fio 3.33 parse it (fio --parse-only), and what StackSim does with it
# (runs, or refused naming the option), with StackSim's wall time.
#
#   examples/fio-examples/check.sh [EXAMPLES_DIR] > table.md
#
# Jobs run with --max-runtime 2s (simulated time per job capped, which
# the report says), so long examples take seconds, not minutes. Needs fio (apt-get install fio
# fio-examples) for the parse column; without it that column says "-".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dir="${1:-/usr/share/doc/fio/examples}"
jar="$here/sim-experiments/target/stacksim.jar"
[ -f "$jar" ] || "$here/stacksim" --version >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
echo "| example | fio 3.33 --parse-only | StackSim | wall s |"
echo "|---|---|---|---|"
for f in "$dir"/*.fio; do
  b="$(basename "$f")"
  if command -v fio >/dev/null; then
    if timeout 20 fio --parse-only "$f" >/dev/null 2>&1; then p=yes; else p=no; fi
  else
    p=-
  fi
  s=$(date +%s.%N)
  timeout 120 java -Xmx3g -jar "$jar" fio "$f" --max-runtime 2s --output-format terse >out.txt 2>err.txt
  rc=$?
  e=$(date +%s.%N)
  wall=$(printf '%.1f' "$(echo "$e - $s" | bc)")
  if [ $rc = 0 ]; then
    outcome=runs
  elif [ $rc = 124 ]; then
    outcome="timed out (120 s)"
  else
    msg="$(grep -v ': warning: ' err.txt | head -1 | sed -e 's/^stacksim: //' -e "s|$dir/||" -e 's/|/\\|/g')"
    outcome="refused: $msg"
  fi
  echo "| $b | $p | $outcome | $wall |"
  rm -rf "$work"/*
done
