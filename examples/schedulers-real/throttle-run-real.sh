#!/usr/bin/env bash
# Runs the blk-throttle and cmdprio jobs of this folder on a real loop device: a 1 GiB backing file
# on /dev/vda (written, so reads reach the disk), loop with direct-io on. blk-throttle's limits are
# set through cgroup v1 blkio (this machine's cgroup v2 has no io controller):
#   wbps: blkio.throttle.write_bps_device = "MAJ:MIN 10485760" (io.max wbps=10485760)
#   riops: blkio.throttle.read_iops_device = "MAJ:MIN 500"     (io.max riops=500)
# Serialized with the other sessions' kernel work; removes the loop device and the cgroup on exit.
# Usage: flock /tmp/stacksim-kernel.lock ./throttle-run-real.sh OUTDIR
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: throttle-run-real.sh OUTDIR}"
mkdir -p "$out"
img=/var/tmp/stacksim-throttle/backing.img
cg=/sys/fs/cgroup/blkio/stacksim-thr
dev=
cleanup() {
  [ -n "$dev" ] && losetup -d "$dev" || true
  [ -d "$cg" ] && rmdir "$cg" 2>/dev/null || true
  rm -rf /var/tmp/stacksim-throttle
}
trap cleanup EXIT
mkdir -p "$(dirname "$img")"
dd if=/dev/urandom of="$img" bs=1M count=1024 oflag=direct status=none
dev=$(losetup -f --show --direct-io=on "$img")
name=$(basename "$dev")
majmin=$(cat /sys/block/$name/dev)
mkdir -p "$cg"
{
  echo "device $dev ($majmin) backing $img on $(df --output=source "$img" | tail -1), $(uname -r)"
  for f in scheduler rotational nr_requests max_sectors_kb; do echo "$f: $(cat /sys/block/$name/queue/$f)"; done
  echo "loop/dio: $(cat /sys/block/$name/loop/dio)"
} > "$out/device.txt"
run_limited() { # FILE LIMITFILE VALUE
  echo none > /sys/block/$name/queue/scheduler
  echo "$majmin $3" > "$cg/blkio.throttle.$2"
  echo "blkio.throttle.$2: $(cat $cg/blkio.throttle.$2)" >> "$out/device.txt"
  LOOPDEV=$dev fio --output-format=json "$here/$1" > "$out/${1%.fio}.json"
  echo "$majmin 0" > "$cg/blkio.throttle.$2"   # 0 removes the rule
}
run_limited throttle-wbps.fio write_bps_device 10485760
run_limited throttle-riops.fio read_iops_device 500
# The same jobs without a limit: what the device does on its own.
echo none > /sys/block/$name/queue/scheduler
for j in throttle-wbps throttle-riops; do
  sed 's/^cgroup=.*//; s/^cgroup_nodelete=.*//' "$here/$j.fio" > "$out/$j.nolimit.fio"
  LOOPDEV=$dev fio --output-format=json "$out/$j.nolimit.fio" > "$out/$j.nolimit.json"
  rm "$out/$j.nolimit.fio"
done
# cmdprio under mq-deadline, then the same job with every I/O best-effort (cmdprio_percentage=0).
echo mq-deadline > /sys/block/$name/queue/scheduler
for f in /sys/block/$name/queue/iosched/*; do echo "iosched/$(basename $f): $(cat $f)"; done >> "$out/device.txt"
LOOPDEV=$dev fio --output-format=json "$here/cmdprio-deadline.fio" > "$out/cmdprio-deadline.json"
echo none > /sys/block/$name/queue/scheduler
