package io.stacksim.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.experiment.SharedData;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The /proc/diskstats line and the iostat -x text, against what the real kernel and sysstat 12.6 print. */
class DiskstatsTextTest {

    /**
     * /proc/diskstats of a loop device on this machine's 6.18 kernel after 2000 O_SYNC 4 KiB
     * writes to the raw device: "   7       0 loop0 0 0 0 0 4000 0 16000 621 0 596 1178 0 0 0 0 2000 557"
     * (each write is one data write, then blkdev_fsync's empty preflush write: 4000 writes and 2000 flushes).
     */
    @Test
    void procDiskstatsLineHasGenhdsSeventeenFieldsInOrder() {
        Map<String, Number> m = new HashMap<>();
        m.put("diskstats.write.ios", 4000);
        m.put("diskstats.write.sectors", 16000);
        m.put("diskstats.write.ticks_ms", 621);
        m.put("diskstats.io_ticks_ms", 596);
        m.put("diskstats.time_in_queue_ms", 1178);
        m.put("diskstats.flush.ios", 2000);
        m.put("diskstats.flush.ticks_ms", 557);
        assertThat(DiskstatsText.procDiskstatsLine("loop0", m))
                .isEqualTo("   7       0 loop0 0 0 0 0 4000 0 16000 621 0 596 1178 0 0 0 0 2000 557");
        m.put("diskstats.discard.ios", 3);
        m.put("diskstats.discard.merges", 1);
        m.put("diskstats.discard.sectors", 2048);
        m.put("diskstats.discard.ticks_ms", 9);
        m.put("diskstats.in_flight", 2);
        assertThat(DiskstatsText.procDiskstatsLine("sda", m).split(" +"))
                .containsExactly("", "8", "0", "sda", "0", "0", "0", "0", "4000", "0", "16000", "621", "2", "596", "1178",
                        "3", "1", "2048", "9", "2000", "557");
    }

    /** The header and a row as sysstat 12.6.1's iostat -x printed them for loop0 (the shared sample). */
    @Test
    void iostatXTextMatchesSysstatsColumnsAndWidths() throws Exception {
        List<String> lines = Files.readAllLines(SharedData.file("samples/iostat-dx-loop0-fio-randrw.txt"));
        String header = lines.stream().filter(l -> l.startsWith("Device")).findFirst().orElseThrow();
        String row = lines.stream().filter(l -> l.startsWith("loop0")).findFirst().orElseThrow();
        assertThat(DiskstatsText.IOSTAT_X_HEADER).isEqualTo(header);
        // loop0  49548.00 198192.00 0.00 0.00 0.10 4.00 21123.00 84492.00 0.00 0.00 0.10 4.00 0 ... 7.07 70.80
        Map<String, Number> m = new HashMap<>();
        m.put("iostat.r_s", 49548.0);
        m.put("iostat.rkB_s", 198192.0);
        m.put("iostat.r_await_ms", 0.1);
        m.put("iostat.rareq_sz_kB", 4.0);
        m.put("iostat.w_s", 21123.0);
        m.put("iostat.wkB_s", 84492.0);
        m.put("iostat.w_await_ms", 0.1);
        m.put("iostat.wareq_sz_kB", 4.0);
        m.put("iostat.aqu_sz", 7.07);
        m.put("iostat.util_pct", 70.8);
        assertThat(DiskstatsText.iostatXRow("loop0", m)).isEqualTo(row);
        assertThat(DiskstatsText.iostatXRow("loop0", m).split(" +")).hasSize(header.split(" +").length);
    }
}
