#!/bin/bash
# kyber on a real loop device: random 4 KiB reads (iodepth 4) against a sequential 128 KiB write
# flood (iodepth 16), O_DIRECT, with read_lat_nsec lowered to LAT (default 200 us); samples the
# write domain's token depth from debugfs (block/kyber-iosched.c's write_tokens) every 0.5 s.
#   sudo examples/schedulers-real/kyber-loop.sh [LAT_NSEC] [SECONDS]
# Needs root, fio, losetup; cleans up its loop device, file and debugfs mount.
set -euo pipefail
LAT=${1:-200000}
SECS=${2:-10}
work=$(mktemp -d /var/tmp/kyber-loop.XXXXXX)
img=$work/disk.img
truncate -s 4G "$img"
dd if=/dev/zero of="$img" bs=1M count=4096 conv=notrunc status=none   # allocated, so reads hit the disk
dev=$(losetup -f --show --direct-io=on "$img"); n=$(basename "$dev")
mounted_debugfs=0
cleanup() {
  losetup -d "$dev" 2>/dev/null || true
  rm -rf "$work"
  [ $mounted_debugfs = 1 ] && umount /sys/kernel/debug || true
}
trap cleanup EXIT
if ! mountpoint -q /sys/kernel/debug; then mount -t debugfs none /sys/kernel/debug; mounted_debugfs=1; fi
echo kyber > /sys/block/$n/queue/scheduler
echo "$LAT" > /sys/block/$n/queue/iosched/read_lat_nsec
echo "scheduler: $(cat /sys/block/$n/queue/scheduler); read_lat_nsec $(cat /sys/block/$n/queue/iosched/read_lat_nsec); write_lat_nsec $(cat /sys/block/$n/queue/iosched/write_lat_nsec)"
cat > "$work/job.fio" <<JOB
[global]
filename=$dev
direct=1
runtime=${SECS}s
time_based=1
ioengine=libaio
[reader]
rw=randread
bs=4k
iodepth=4
size=2g
[writer]
rw=write
bs=128k
iodepth=16
offset=2g
size=2g
JOB
fio --output-format=json "$work/job.fio" > "$work/fio.json" &
fpid=$!
tokens=/sys/kernel/debug/block/$n/sched/write_tokens
for i in $(seq 1 $((SECS * 2))); do
  sleep 0.5
  if [ -r "$tokens" ]; then
    printf 't=%4.1fs write_tokens depth=%s\n' "$(echo "$i/2" | bc -l)" "$(grep -m1 '^depth=' "$tokens" | cut -d= -f2)"
  fi
done
wait $fpid
python3 - "$work/fio.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for j in d["jobs"]:
    r, w = j["read"], j["write"]
    if r["io_bytes"]:
        p = r["clat_ns"]["percentile"]
        print(f'{j["jobname"]}: read IOPS {r["iops"]:.0f}, clat mean {r["clat_ns"]["mean"]/1e3:.0f} us, p99 {p["99.000000"]/1e3:.0f} us')
    if w["io_bytes"]:
        print(f'{j["jobname"]}: write {w["bw"]/1024:.0f} MiB/s, clat mean {w["clat_ns"]["mean"]/1e3:.0f} us')
PY
