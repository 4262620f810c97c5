package io.stacksim.block;

/**
 * What the filesystem, the page cache and direct I/O see of a block device: the kernel's
 * {@code struct block_device} with its queue's limits and backing_dev_info, and
 * {@code submit_bio}. A {@link BlockQueue} (blk-mq on one device) implements it; stacking
 * drivers (md, device-mapper) implement it over their member devices' targets.
 *
 * <p>Everything above the block layer depends on this interface only, never on the queue,
 * its scheduler or the device behind it.
 */
public interface BlockTarget {
    /** The disk's name, as in /dev and /proc/diskstats ({@code bdev_name}): "nvme0n1", "sda". */
    String name();

    /** Capacity in 512-byte sectors ({@code bdev_nr_sectors}). */
    long capacitySectors();

    /** Capacity in bytes. */
    default long capacityBytes() {
        return capacitySectors() << 9;
    }

    /** The queue limits a bio must respect or will be split to ({@code bdev_get_queue(bdev)->limits}). */
    QueueLimits limits();

    /** The zone geometry and limits of a zoned block device, or null for a regular one (bdev_is_zoned). */
    default ZonedLimits zoned() {
        return null;
    }

    /**
     * blkdev_report_zones (the BLKREPORTZONE ioctl): up to {@code nrZones} zones from the one
     * holding {@code sector}. Only for a zoned target.
     */
    default java.util.List<BlkZone> reportZones(long sector, int nrZones) {
        throw new UnsupportedOperationException(name() + " is not a zoned block device");
    }

    /** The default readahead window in pages: the bdi's {@code ra_pages} (queue/read_ahead_kb / 4). */
    int readAheadPages();

    /**
     * submit_bio: the bio goes down the stack; its {@code endIo} runs, in completion context,
     * when it is done. It is split to the limits if it exceeds them.
     */
    void submitBio(Bio bio);

    /**
     * When some of {@code owner}'s bios still wait for a request (the submitter sleeps in
     * blk_mq_get_tag), runs {@code then} once they all have one and returns true; else returns
     * false and {@code then} is not run.
     */
    boolean whenRequestsAllocated(IoOwner owner, Runnable then);

    /**
     * A task writing to this device slept in balance_dirty_pages (the bdi's wb->dirty_sleep,
     * which blk-wbt reads as a sign that writeback must go faster).
     */
    default void dirtySleep(long now) {
    }

    /**
     * For --check's durability rule: writes that completed before this instant are durable (a
     * cache flush dispatched at or after it has completed). Long.MAX_VALUE for a device without a
     * volatile write cache (a completed write is durable) and, by default, for stacked targets,
     * whose members check their own flushes.
     */
    default long durableBeforeNs() {
        return Long.MAX_VALUE;
    }

    /**
     * For --check: the version of the 4 KiB block at {@code sector} (where a top-level block
     * starts, in this target's sectors) that would survive a power loss now, the oldest over every
     * copy the target keeps; {@link DataShadow#UNKNOWN} where it is not tracked (not checked, or a
     * layout whose member writes --check cannot follow).
     */
    default long stableVersion(long sector) {
        return DataShadow.UNKNOWN;
    }

    /** For --check's messages: the devices (and their sectors) whose copy of the block at {@code sector} is stable below {@code version}. */
    default String unstableCopies(long sector, long version) {
        return "";
    }

    /**
     * {@link #whenRequestsAllocated} over {@code targets} from index {@code from}: when some of
     * {@code owner}'s bios wait for a request on any of them, runs {@code then} once none does
     * and returns true; else returns false and {@code then} is not run.
     */
    static boolean whenAllAllocated(java.util.List<? extends BlockTarget> targets, int from, IoOwner owner,
                                    Runnable then) {
        for (int i = from; i < targets.size(); i++) {
            int next = i + 1;
            if (targets.get(i).whenRequestsAllocated(owner, () -> {
                if (!whenAllAllocated(targets, next, owner, then)) {
                    then.run();
                }
            })) {
                return true;
            }
        }
        return false;
    }

    /** How the host reaches the device behind this target (md and dm: none, they take no passthrough). */
    default io.stacksim.device.Transport transport() {
        return io.stacksim.device.Transport.NONE;
    }

    /**
     * blk_execute_rq_nowait for the passthrough request of {@code bio} ({@link Op#DRV_IN} or
     * {@link Op#DRV_OUT}, its {@link Bio#command} set): allocated, then straight to the hardware
     * dispatch list; {@code bio}'s end_io runs when the device has done the command, with
     * {@link Bio#error} -EIO and {@link Bio#sense} set if it failed. A target without a
     * passthrough path (md, dm) fails it with -ENOTTY at once.
     */
    default void executePassthrough(Bio bio) {
        bio.error = -25; // ENOTTY: no such ioctl on this device
        bio.endIo.endIo(bio);
    }
}
