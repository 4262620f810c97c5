#!/bin/bash
# Trace one fio job on a fresh ext4 over a loop device with the ftrace blk tracer.
# usage: [LOGDUMP=1] flock /tmp/stacksim-kernel.lock ./capture.sh JOB.fio OUTDIR [prelayout]
#   LOGDUMP=1: after the job, unmount and list what the journal logged (debugfs logdump -aO:
#   each transaction's home block numbers and revoke records) in OUTDIR/JOB.logdump.
#   prelayout: first write the job's file(s) in full (fio overwrite=1 layout), sync, then trace.
# Needs root, fio, mkfs.ext4, filefrag. Cleans up its loop device, mount and tracer.
set -euo pipefail
job=$(readlink -f "$1"); out=$(readlink -f "$2"); pre=${3:-}
name=$(basename "$job" .fio)
work=$(mktemp -d /tmp/ext4cap.XXXX)
T=/sys/kernel/tracing
mounted_tracefs=0
cleanup() {
  set +e
  [ -n "${dev:-}" ] && echo 0 > /sys/block/$(basename $dev)/trace/enable 2>/dev/null
  echo nop > $T/current_tracer 2>/dev/null; echo 0 > $T/options/blk_classic 2>/dev/null
  mountpoint -q $work/mnt && umount $work/mnt
  [ -n "${dev:-}" ] && losetup -d $dev
  [ $mounted_tracefs = 1 ] && umount $T
  rm -rf $work
}
trap cleanup EXIT
mountpoint -q $T || { mount -t tracefs nodev $T; mounted_tracefs=1; }
truncate -s 1G $work/backing.img
dev=$(losetup -f --show $work/backing.img)
b=$(basename $dev)
# no lazy init: ext4lazyinit would zero inode tables in the background during the trace
mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 $dev
mkdir $work/mnt && mount -t ext4 $dev $work/mnt
if [ "$pre" = prelayout ]; then
  DIR=$work/mnt fio --output=/dev/null --overwrite=1 --fsync_on_close=1 --rw=write --bs=1m --runtime=0 "$job" || true
  sync
fi
sync; echo 3 > /proc/sys/vm/drop_caches; sleep 6     # past one commit interval: nothing pending
{ echo "# $(uname -r) $b: $(for f in scheduler write_cache fua max_sectors_kb rotational logical_block_size; do echo -n "$f=$(cat /sys/block/$b/queue/$f) "; done)"
  dumpe2fs -h $dev 2>/dev/null | grep -E '^(Block count|Block size|Inode count|Inodes per group|Blocks per group|Flex block group size|Journal size|Journal length|Filesystem features|Directory Hash Seed)'
  echo "journal inode 8 extents (fs blocks): $(debugfs -R 'ex <8>' $dev 2>/dev/null | awk 'NR>1{print $8"-"$10}' | tr '\n' ' ')"
} > $out/$name.info
echo 1 > $T/options/blk_classic
echo 1 > /sys/block/$b/trace/enable
echo blk > $T/current_tracer
echo > $T/trace
wason=$(cat $T/tracing_on); echo 1 > $T/tracing_on
DIR=$work/mnt fio --output-format=json "$job" > $out/$name.fio.json
echo 0 > /sys/block/$b/trace/enable
echo $wason > $T/tracing_on
grep -v '^#' $T/trace > $out/$name.trace.txt
echo nop > $T/current_tracer
for f in $(find $work/mnt -type f -name '*.dat' -o -type f -name '*.0' | head -4); do filefrag $f | sed "s|$work/mnt/||"; done > $out/$name.filefrag.txt
if [ -n "${LOGDUMP:-}" ]; then
  umount $work/mnt
  debugfs -R 'logdump -aO' $dev > $out/$name.logdump 2>&1 || true
fi
