package io.stacksim.block;

import io.stacksim.config.ConfigNode;
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
 */
public record QueueSettings(String scheduler, int nrRequests, int maxSectorsKb, int nomerges,
                            int readAheadKb, boolean plugging) {

    /** Accepted values of {@code block.scheduler}: "default" and every registered name and alias. */
    public static final List<String> SCHEDULERS = Schedulers.configNames();

    public static QueueSettings defaults() {
        return new QueueSettings("default", 0, 0, 0, 128, true);
    }

    /** Reads the {@code block} section. */
    public static QueueSettings from(ConfigNode block) {
        QueueSettings d = defaults();
        return new QueueSettings(
                block.choice("scheduler", d.scheduler, SCHEDULERS),
                block.intValue("nr_requests", d.nrRequests, 0, 1 << 16),
                block.intValue("max_sectors_kb", d.maxSectorsKb, 0, 1 << 20),
                block.intValue("nomerges", d.nomerges, 0, 2),
                block.intValue("read_ahead_kb", d.readAheadKb, 0, 1 << 20),
                block.bool("plugging", d.plugging));
    }
}
