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
  case $job in
    overwrite-*|dsync|direct-sync)
      # capture.sh's prelayout: the file is written, synced and committed before the traced run.
      stack="$out/$job.stack.yaml"
      { cat "$here/loop0-ext4.yaml"; printf '  files:\n    - path: /over.dat\n      size: 800k\n'; } > "$stack" ;;
  esac
  DIR=/ "$root/stacksim" fio --stack "$stack" --blktrace "$out/$job.trace.txt" \
      --output-format=json --output "$out/$job.fio.json" "$here/$job.fio"
  echo "== $job"
  python3 "$here/summarise.py" "$out/$job.trace.txt" $jfirst $jlen "$out/$job.fio.json" $per
done
