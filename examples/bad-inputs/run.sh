#!/usr/bin/env bash
# Tries every bad input of cases.tsv on the stacksim command and classifies each outcome:
#   clean     exit 2 and one line on stderr that names the file or flag (the case's text)
#   vague     exit 2 and one line, but without the file/line or flag the case expects
#   multiline exit 2 with more than one line on stderr
#   trace     a Java stack trace on stderr
#   internal  any other exit code ("internal error", exit 1, a JVM error ...)
#   hang      still running after the timeout (STACKSIM_CASE_TIMEOUT, default 30 s)
#   silent    exit 0: the nonsense was accepted
#   leak      a line of a private file (private.txt, binary.bin) was printed
# Usage: examples/bad-inputs/run.sh [-v] [ID_PATTERN]   (-v: print every case not clean;
#        STACKSIM_JAR=path runs another build's jar; STACKSIM_CASES=file tries another case list)
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
verbose=0
if [ "${1:-}" = -v ]; then verbose=1; shift; fi
pattern="${1:-}"
limit="${STACKSIM_CASE_TIMEOUT:-30}"
jar="$(realpath "${STACKSIM_JAR:-$repo/sim-experiments/target/stacksim.jar}")"
if [ -z "${STACKSIM_JAR:-}" ]; then "$repo/stacksim" --version >/dev/null || exit 1; fi   # builds the jar once
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
big="$scratch/big"
mkdir -p "$big" "$scratch/work"
mkfifo "$scratch/fifo"
# Inputs past the size limits are made here rather than kept in the repository.
{ for i in $(seq 1 300000); do echo "# padding line $i of a config far larger than any real one......"; done; } > "$big/big.yaml"
cp "$big/big.yaml" "$big/big.fio"
{ printf 'workload: {rw: read, bs: 4k, name: '; head -c 2000000 /dev/zero | tr '\0' x; printf '}\n'; } > "$big/long-line.yaml"
{ printf '[job]\nrw=read\ndescription='; head -c 3000000 /dev/zero | tr '\0' y; printf '\n'; } > "$big/long-line.fio"
{ printf '  7,0 '; head -c 3000000 /dev/zero | tr '\0' 9; printf '\n'; } > "$big/long-line.trace"
{ printf 'disksim_global Global { Init Seed = '; head -c 3000000 /dev/zero | tr '\0' 4; printf ' }\n'; } > "$big/long-line.parv"
{ printf '0,R,2048,8'; head -c 3000000 /dev/zero | tr '\0' ' '; printf '\n'; } > "$big/big.trace"
declare -A count
total=0
export STACKSIM_QUIET=1
while IFS=$'\t' read -r id want args; do
  case "$id" in ''|'#'*) continue ;; esac
  if [ -n "$pattern" ] && [[ "$id" != *$pattern* ]]; then continue; fi
  T="$scratch/work/$id"; mkdir -p "$T/empty"
  C="$here" FIFO="$scratch/fifo" BIG="$big"
  eval "set -- $args"
  (cd "$T" && exec timeout -k 5 "$limit" java ${STACKSIM_JAVA_OPTS:--Xmx1g} -jar "$jar" "$@") \
      >"$scratch/out" 2>"$scratch/err" </dev/null
  rc=$?
  lines=$(grep -c . "$scratch/err")
  if grep -q -e 'PRIVATE-LINE' -e 'hunter2' "$scratch/err" "$scratch/out"; then class=leak
  elif [ $rc = 124 ] || [ $rc = 137 ]; then class=hang
  elif grep -q -E '^\s+at [a-zA-Z_$.]+\(|Exception in thread|^Caused by:' "$scratch/err"; then class=trace
  elif [ $rc = 0 ]; then class=silent
  elif [ $rc != 2 ]; then class=internal
  elif [ "$lines" != 1 ]; then class=multiline
  elif [ "$want" != - ] && ! grep -q -F -- "$want" "$scratch/err"; then class=vague
  else class=clean
  fi
  count[$class]=$(( ${count[$class]:-0} + 1 ))
  total=$((total + 1))
  if [ $verbose = 1 ] && [ $class != clean ]; then
    printf '%-9s %-34s rc=%s %s\n' "$class" "$id" "$rc" "$(head -c 220 "$scratch/err" | head -n 2 | tr '\n' ' ')"
  fi
done < "${STACKSIM_CASES:-$here/cases.tsv}"
printf '%d cases:' "$total"
for k in clean vague multiline trace internal hang silent leak; do printf ' %s %d' "$k" "${count[$k]:-0}"; done
echo
[ "${count[clean]:-0}" = "$total" ]
