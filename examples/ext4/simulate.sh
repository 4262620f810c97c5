#!/bin/bash
# Simulate the six ext4 sync patterns of capture.sh on loop0-ext4.yaml and summarise each as
# summarise.py does the real traces (docs/measurements/ext4/README.md has the real table).
# usage: examples/ext4/simulate.sh OUTDIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mkdir -p "$1" && cd "$1" && pwd)
jfirst=1048576 jlen=65536   # the journal of mkfs.ext4 on 1 GiB: fs blocks 131072-139263
for job in append-fsync overwrite-fdatasync overwrite-fsync dsync direct-sync small-files seq-256m seq-256m-2jobs sync-file-range; do
  per=
  case $job in seq-256m) per=1 ;; seq-256m-2jobs) per=2 ;; esac
  stack="$here/loop0-ext4.yaml"
  # loop's flush is an fsync of the backing file on the VM's disk: its time is the host's and
  # varied fivefold between captures, so a job that syncs every write runs with the flush time
  # measured in its own capture (flush-quantiles.py); when a tick of the coarse clock falls within
  # a write decides whether its fsync commits, so the commit count follows that time.
  flush=
  case $job in
    append-fsync|overwrite-*|dsync|direct-sync|small-files)
      flush=$(python3 "$here/flush-quantiles.py" "$root/docs/measurements/ext4/$job.D.txt.gz") ;;
  esac
  files=
  case $job in
    # capture.sh's prelayout: the file is written, synced and committed before the traced run.
    overwrite-*|dsync|direct-sync) files=1 ;;
  esac
  if [ -n "$flush$files" ]; then
    stack="$out/$job.stack.yaml"
    { if [ -n "$flush" ]; then sed "s|^  flush_time: .*|  flush_time: \"$flush\"|" "$here/loop0-ext4.yaml"
      else cat "$here/loop0-ext4.yaml"; fi
      [ -z "$files" ] || printf '  files:\n    - path: /over.dat\n      size: 800k\n'; } > "$stack"
  fi
  DIR=/ "$root/stacksim" fio --stack "$stack" --blktrace "$out/$job.trace.txt" \
      --output-format=json --output "$out/$job.fio.json" "$here/$job.fio"
  echo "== $job"
  python3 "$here/summarise.py" "$out/$job.trace.txt" $jfirst $jlen "$out/$job.fio.json" $per
done
