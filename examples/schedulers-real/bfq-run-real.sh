#!/usr/bin/env bash
# Runs the bfq jobs of this folder on a real loop device whose I/O is bound by the disk below:
# a 2 GiB backing file on /dev/vda (written, so reads reach the disk), loop with direct-io on
# (no page cache between loop and the disk), fio's O_DIRECT random reads. Serialized with the
# other helpers' kernel work; cleans up the loop device and the cgroups.
# Usage: sudo flock /tmp/stacksim-kernel.lock ./bfq-run-real.sh OUTDIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: bfq-run-real.sh OUTDIR}"
mkdir -p "$out"
img=/var/tmp/stacksim-bfq/backing.img
mkdir -p "$(dirname "$img")"
[ -f "$img" ] || dd if=/dev/urandom of="$img" bs=1M count=2048 oflag=direct status=none
dev=$(losetup -f --show --direct-io=on "$img")
cg=/sys/fs/cgroup/blkio
cleanup() {
  losetup -d "$dev" || true
  rmdir "$cg/bfqA" "$cg/bfqB" 2>/dev/null || true
}
trap cleanup EXIT
name=$(basename "$dev")
echo bfq > /sys/block/$name/queue/scheduler
{
  echo "device $dev backing $img on $(df --output=source "$img" | tail -1)"
  for f in scheduler rotational nr_requests max_sectors_kb; do echo "$f: $(cat /sys/block/$name/queue/$f)"; done
  echo "loop/dio: $(cat /sys/block/$name/loop/dio)"
  for f in /sys/block/$name/queue/iosched/*; do echo "iosched/$(basename $f): $(cat $f)"; done
} > "$out/device.txt"
# Calibration with scheduler none: one reader at QD1 and at QD16 (the device's service time and parallelism).
echo none > /sys/block/$name/queue/scheduler
for qd in 1 16; do
  LOOPDEV=$dev fio --name=cal$qd --filename=$dev --ioengine=libaio --direct=1 --rw=randread --bs=4k \
    --iodepth=$qd --runtime=10 --time_based=1 --output-format=json > "$out/calibrate-qd$qd.json"
done
mkdir -p "$cg/bfqA" "$cg/bfqB"
echo 100 > "$cg/bfqA/blkio.bfq.weight"
echo 300 > "$cg/bfqB/blkio.bfq.weight"
echo "weights: A $(cat $cg/bfqA/blkio.bfq.weight) B $(cat $cg/bfqB/blkio.bfq.weight)" >> "$out/device.txt"
grep -v '^cgroup_weight=' "$here/bfq-cgroup.fio" > "$out/bfq-cgroup.real.fio"
# strict_guarantees=1: bfq keeps one request at a time in the device and always idles for the
# in-service queue, so the device is the bottleneck by construction and bfq alone decides the
# shares. Then the defaults (strict_guarantees=0), where bfq injects other queues' requests
# while the in-service one waits for completions.
for strict in 1 0; do
  echo bfq > /sys/block/$name/queue/scheduler   # fresh bfq state (peak rate, budgets) per run
  echo $strict > /sys/block/$name/queue/iosched/strict_guarantees
  LOOPDEV=$dev fio --output-format=json "$here/bfq-ioprio.fio" > "$out/bfq-ioprio-strict$strict.json"
  echo none > /sys/block/$name/queue/scheduler
  echo bfq > /sys/block/$name/queue/scheduler
  echo $strict > /sys/block/$name/queue/iosched/strict_guarantees
  LOOPDEV=$dev fio --output-format=json "$out/bfq-cgroup.real.fio" > "$out/bfq-cgroup-strict$strict.json"
  echo none > /sys/block/$name/queue/scheduler
done
