package io.stacksim.report;

import io.stacksim.block.trace.BlkparseWriter;
import java.util.Locale;
import java.util.Map;

/**
 * A run's disk statistics in the two texts the field reads them in: the device's line of
 * /proc/diskstats as block/genhd.c {@code diskstats_show} prints it (17 fields since Linux 5.5,
 * Documentation/admin-guide/iostats.rst), and the extended report of sysstat's {@code iostat -x}
 * (12.x, {@code write_disk_stat_header} and {@code write_plain_ext_stat} in iostat.c: the same
 * 24 columns, widths and two decimals), over the measured window as iostat's first report
 * covers the time since boot.
 *
 * <p>As in the kernel, the flush machinery's flush requests are counted in fields 16-17 only
 * (blk_account_io_flush); the request that asked for the flush (an empty REQ_OP_WRITE with
 * REQ_PREFLUSH from blkdev_issue_flush, or a data write with REQ_FUA) ends as an ordinary write
 * once its sequence is done (blk_flush_restore_request, then blk_account_io_done), so it is
 * also one of fields 5-8. iostat says so: "Origin (unmerged) flush operations are counted as
 * writes".
 */
public final class DiskstatsText {
    /** iostat -x's header line, from write_disk_stat_header with kB units. */
    public static final String IOSTAT_X_HEADER = "Device            r/s     rkB/s   rrqm/s  %rrqm r_await rareq-sz"
            + "     w/s     wkB/s   wrqm/s  %wrqm w_await wareq-sz"
            + "     d/s     dkB/s   drqm/s  %drqm d_await dareq-sz"
            + "     f/s f_await  aqu-sz  %util";

    private DiskstatsText() {
    }

    /**
     * The /proc/diskstats line of {@code device}: "%4d %7d %s" then reads (ios, merges, sectors,
     * ms), writes (the same), in flight, io_ticks ms, time_in_queue ms, discards (four), flushes
     * (ios, ms), from the run's {@code diskstats.*} counters.
     */
    public static String procDiskstatsLine(String device, Map<String, Number> m) {
        int[] mm = BlkparseWriter.majorMinor(device);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%4d %7d %s", mm[0], mm[1], device));
        for (String g : new String[] {"read", "write"}) {
            group(sb, m, g);
        }
        sb.append(' ').append(l(m, "diskstats.in_flight"));
        sb.append(' ').append(l(m, "diskstats.io_ticks_ms"));
        sb.append(' ').append(l(m, "diskstats.time_in_queue_ms"));
        group(sb, m, "discard");
        sb.append(' ').append(l(m, "diskstats.flush.ios"));
        sb.append(' ').append(l(m, "diskstats.flush.ticks_ms"));
        return sb.toString();
    }

    private static void group(StringBuilder sb, Map<String, Number> m, String g) {
        String p = "diskstats." + g + ".";
        sb.append(' ').append(l(m, p + "ios")).append(' ').append(l(m, p + "merges"))
                .append(' ').append(l(m, p + "sectors")).append(' ').append(l(m, p + "ticks_ms"));
    }

    /** iostat -x's row for {@code device}: "%-13s" then each column as " %*.2f" at its width. */
    public static String iostatXRow(String device, Map<String, Number> m) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-13s", device));
        for (String d : new String[] {"r", "w", "d"}) {
            col(sb, 7, d(m, "iostat." + d + "_s"));
            col(sb, 9, d(m, "iostat." + d + "kB_s"));
            col(sb, 8, d(m, "iostat." + d + "rqm_s"));
            col(sb, 6, d(m, "iostat." + d + "rqm_pct"));
            col(sb, 7, d(m, "iostat." + d + "_await_ms"));
            col(sb, 8, d(m, "iostat." + d + "areq_sz_kB"));
        }
        col(sb, 7, d(m, "iostat.f_s"));
        col(sb, 7, d(m, "iostat.f_await_ms"));
        col(sb, 7, d(m, "iostat.aqu_sz"));
        col(sb, 6, d(m, "iostat.util_pct"));
        return sb.toString();
    }

    private static void col(StringBuilder sb, int width, double v) {
        sb.append(String.format(Locale.ROOT, " %" + width + ".2f", v));
    }

    private static double d(Map<String, Number> m, String k) {
        Number n = m.get(k);
        return n == null ? 0 : n.doubleValue();
    }

    private static long l(Map<String, Number> m, String k) {
        Number n = m.get(k);
        return n == null ? 0 : n.longValue();
    }
}
