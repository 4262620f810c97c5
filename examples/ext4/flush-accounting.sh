#!/bin/bash
# How /proc/diskstats counts cache flushes (run under the kernel lock, as root):
#   flock /tmp/stacksim-kernel.lock examples/ext4/flush-accounting.sh
# 100 O_DIRECT|O_DSYNC 4 KiB writes to a loop device (write_cache "write back", fua 0): each is a
# REQ_FUA write that blk-flush turns into write + post-flush, then blkdev_fsync's empty
# REQ_PREFLUSH write. On Linux 6.18 the deltas are: writes +200 (the empty flush request is a
# write of 0 sectors to the write group), sectors +800, flushes +200 (fields 16-17).
set -euo pipefail
img=$(mktemp /tmp/flush-accounting.XXXX)
truncate -s 256M "$img"
dev=$(losetup -f --show "$img")
trap 'losetup -d "$dev"; rm -f "$img"' EXIT
n=$(basename "$dev")
echo "write_cache=$(cat /sys/block/$n/queue/write_cache) fua=$(cat /sys/block/$n/queue/fua)"
read -ra b < /sys/block/$n/stat
dd if=/dev/zero of="$dev" bs=4k count=100 oflag=direct,dsync status=none
read -ra a < /sys/block/$n/stat
echo "writes +$((a[4] - b[4])) sectors +$((a[6] - b[6])) flushes +$((a[15] - b[15]))"
