package io.stacksim.block;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import java.util.List;

/**
 * The block queue's tunables, as in /sys/block/DEV/queue/. Config section {@code block};
 * scheduler tunables live under {@code block.iosched} (see the scheduler's own class).
 *
 * @param scheduler    queue/scheduler by name (none, mq-deadline, noop); "default" = the kernel's
 *                     choice for the device: mq-deadline with one hardware queue, else none
 * @param nrRequests   queue/nr_requests with an elevator; 0 = the kernel's choice,
 *                     2 x min(hw depth, 128) (block/blk-mq-sched.c); without one ({@code none})
 *                     the requests are the hardware tags themselves and nr_requests can only
 *                     lower their number
 * @param maxSectorsKb queue/max_sectors_kb; 0 = min(max_hw_sectors_kb, 4096), the cap since
 *                     Linux 6.10's BLK_DEF_MAX_SECTORS_CAP of 4 MiB (block/blk-settings.c)
 * @param nomerges     queue/nomerges: 0 all merges, 1 one-hit cache only, 2 none
 * @param readAheadKb  queue/read_ahead_kb (128 = VM_READAHEAD_PAGES x 4 KiB)
 * @param plugging     whether tasks plug their submissions (blk_start_plug), as Linux always does
 * @param wbtLatUsec   queue/wbt_lat_usec: -1 = the kernel's default (blk-wbt on, 2000 us
 *                     non-rotational, 75000 us rotational, off under a scheduler that disables
 *                     it), 0 = off, else the latency target in microseconds
 * @param iostatsPassthrough queue/iostats_passthrough (Linux 6.13+, default 0): diskstats also count
 *                     passthrough requests that carry data to or from whole logical blocks through a
 *                     driver that sets the bio's block device (NVMe's; SCSI's SG_IO does not:
 *                     blk_rq_passthrough_stats in block/blk-mq.c)
 */
public record QueueSettings(String scheduler, int nrRequests, int maxSectorsKb, int nomerges,
                            int readAheadKb, boolean plugging, int wbtLatUsec, boolean iostatsPassthrough) {

    /** The settings with passthrough requests not counted in diskstats (the kernel's default). */
    public QueueSettings(String scheduler, int nrRequests, int maxSectorsKb, int nomerges, int readAheadKb,
                         boolean plugging, int wbtLatUsec) {
        this(scheduler, nrRequests, maxSectorsKb, nomerges, readAheadKb, plugging, wbtLatUsec, false);
    }

    /** The settings with blk-wbt at the kernel's default. */
    public QueueSettings(String scheduler, int nrRequests, int maxSectorsKb, int nomerges, int readAheadKb,
                         boolean plugging) {
        this(scheduler, nrRequests, maxSectorsKb, nomerges, readAheadKb, plugging, -1);
    }

    /** Accepted values of {@code block.scheduler}: "default" and every registered name and alias. */
    public static final List<String> SCHEDULERS = Schedulers.configNames();

    static final Tunable<String> SCHEDULER = Tunable.choice("scheduler", "default", SCHEDULERS)
            .help("queue/scheduler; `default` = the kernel's choice (elevator_get_default): mq-deadline for a"
                    + " device with one hardware queue, else none; `deadline` is mq-deadline's alias");
    static final Tunable<Integer> NR_REQUESTS = Tunable.integer("nr_requests", 0, 0, 1 << 16)
            .help("queue/nr_requests; 0 = the kernel's: 2 x min(depth, 128) with a scheduler, the depth without"
                    + " (where it can only lower it)");
    static final Tunable<Integer> MAX_SECTORS_KB = Tunable.integer("max_sectors_kb", 0, 0, 1 << 20)
            .help("queue/max_sectors_kb; 0 = min(max_hw_sectors_kb, 4096), Linux 6.10's BLK_DEF_MAX_SECTORS_CAP");
    static final Tunable<Integer> NOMERGES = Tunable.integer("nomerges", 0, 0, 2)
            .help("queue/nomerges: 0 all merges, 1 the one-hit cache only, 2 none");
    static final Tunable<Integer> READ_AHEAD_KB = Tunable.integer("read_ahead_kb", 128, 0, 1 << 20)
            .help("queue/read_ahead_kb: the readahead window (128 = VM_READAHEAD_PAGES x 4 KiB)");
    static final Tunable<Boolean> PLUGGING = Tunable.flag("plugging", true)
            .help("tasks plug their submissions (blk_start_plug), as Linux always does");
    static final Tunable<Integer> WBT_LAT_USEC = Tunable.integer("wbt_lat_usec", -1, -1, Integer.MAX_VALUE)
            .help("queue/wbt_lat_usec, blk-wbt's read latency target: -1 = the kernel's default (on, 2000 us"
                    + " non-rotational, 75000 us rotational; off under a scheduler that disables it), 0 = off");
    static final Tunable<Boolean> IOSTATS_PASSTHROUGH = Tunable.flag("iostats_passthrough", false)
            .help("queue/iostats_passthrough: diskstats also count passthrough requests (only NVMe's, of whole"
                    + " logical blocks: blk_rq_passthrough_stats); off by default, as in Linux");

    /** The {@code block} section's tunables. */
    public static final ConfigSection SECTION = ConfigSection.of("block", "Block queue (`block`)",
            SCHEDULER, NR_REQUESTS, MAX_SECTORS_KB, NOMERGES, READ_AHEAD_KB, PLUGGING, WBT_LAT_USEC, IOSTATS_PASSTHROUGH)
            .intro("The request queue's settings, as in /sys/block/DEV/queue/. The scheduler's own tunables go"
                    + " under `block.iosched` (below, per scheduler).");

    public static QueueSettings defaults() {
        return new QueueSettings(SCHEDULER.defaultValue(), NR_REQUESTS.defaultValue(), MAX_SECTORS_KB.defaultValue(),
                NOMERGES.defaultValue(), READ_AHEAD_KB.defaultValue(), PLUGGING.defaultValue(),
                WBT_LAT_USEC.defaultValue(), IOSTATS_PASSTHROUGH.defaultValue());
    }

    /** Reads the {@code block} section. */
    public static QueueSettings from(ConfigNode block) {
        return new QueueSettings(
                SCHEDULER.read(block),
                NR_REQUESTS.read(block),
                MAX_SECTORS_KB.read(block),
                NOMERGES.read(block),
                READ_AHEAD_KB.read(block),
                PLUGGING.read(block),
                WBT_LAT_USEC.read(block),
                IOSTATS_PASSTHROUGH.read(block));
    }
}
