package io.stacksim.workload.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacksim.block.Bio;
import io.stacksim.block.Op;
import io.stacksim.config.ConfigException;
import io.stacksim.experiment.SharedData;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The trace readers against the real traces in shared/ and the formats' documentation. */
class TraceReadersTest {
    private static List<TraceRecord> all(TraceReader r) {
        List<TraceRecord> out = new ArrayList<>();
        for (TraceRecord t; (t = r.next()) != null; ) {
            out.add(t);
        }
        r.close();
        return out;
    }

    /**
     * loop0.blkparse.txt: its summary says 173 reads and 568 writes queued; one write is the
     * empty preflush "Q FWS"; of its 232 unplugs, 3 flush a full plug (a P follows), so 229 end
     * a plug.
     */
    @Test
    void blkparseReaderTakesTheQueueEventsOfTheLoop0Capture() {
        Path f = SharedData.file("samples/loop0.blkparse.txt");
        List<TraceRecord> recs = all(TraceReader.open(f, "blkparse"));
        List<TraceRecord> ios = recs.stream().filter(r -> !r.isUnplug()).toList();
        assertThat(ios.stream().filter(r -> r.op() == Op.READ).count()).isEqualTo(173);
        assertThat(ios.stream().filter(r -> r.op() == Op.WRITE).count()).isEqualTo(568);
        assertThat(recs.stream().filter(TraceRecord::isUnplug).count()).isEqualTo(229);
        TraceRecord first = ios.get(0);
        assertThat(first).isEqualTo(new TraceRecord(0, Op.WRITE, Bio.SYNC, 0, 8, 8752, "fio"));
        TraceRecord flush = ios.stream().filter(r -> r.sectors() == 0).findFirst().orElseThrow();
        assertThat(flush.flags()).isEqualTo(Bio.PREFLUSH | Bio.SYNC);
        assertThat(flush.timeNs()).isEqualTo(4_571_822);
        assertThat(ios.stream().mapToLong(TraceRecord::sectors).sum() / 2).isEqualTo(872 + 2488); // KiB queued
    }

    /**
     * wdev_3.csv: 682 lines, 671 writes and 11 reads; times in 100 ns FILETIME ticks from the
     * first record (the trace covers 2007-02-22 18:03:51 to 2007-03-01), sizes in bytes.
     */
    @Test
    void msrReaderReadsTheCambridgeTrace() {
        List<TraceRecord> recs = all(TraceReader.open(SharedData.file("data/traces/msr-cambridge/wdev_3.csv"), "msr"));
        assertThat(recs).hasSize(682);
        assertThat(recs.stream().filter(r -> r.op() == Op.READ).count()).isEqualTo(11);
        assertThat(recs.get(0)).isEqualTo(new TraceRecord(0, Op.WRITE, 0, 3156835840L / 512, 8, 0, null));
        assertThat(recs.get(1).timeNs()).isEqualTo((128166410318061327L - 128166410318061256L) * 100);
        double days = recs.get(recs.size() - 1).timeNs() / 86400e9;
        assertThat(days).isBetween(6.0, 7.5);
    }

    /** tpcc-small.trace: 6999 I/Os of 'time_ns dev lba size type(1=read)'. */
    @Test
    void diskSimReaderReadsTheMqsimTrace() {
        List<TraceRecord> recs = all(TraceReader.open(
                SharedData.file("data/traces/mqsim-disksim-ascii/tpcc-small.trace"), "disksim"));
        assertThat(recs).hasSize(6999);
        assertThat(recs.get(0)).isEqualTo(new TraceRecord(938513000L, Op.WRITE, 0, 264719034L, 16, 4, null));
    }

    /** DiskSim's own traces have fractional millisecond times. */
    @Test
    void diskSimTimesWithAFractionAreMilliseconds() {
        DiskSimReader r = DiskSimReader.of(TraceReader.LineSource.of("t.trace", new StringReader("1.5 0 100 8 1\n")));
        assertThat(r.next()).isEqualTo(new TraceRecord(1_500_000L, Op.READ, 0, 100, 8, 0, null));
    }

    @Test
    void csvReaderReadsTheDocumentedFormat() {
        CsvTraceReader r = CsvTraceReader.of(TraceReader.LineSource.of("t.csv", new StringReader(
                "time_ns,op,sector,sectors\n# comment\n0,W,2048,8\n150000,R,4096,16\n200000,F,0,0\n")));
        assertThat(all(r)).containsExactly(
                new TraceRecord(0, Op.WRITE, 0, 2048, 8, 0, null),
                new TraceRecord(150_000, Op.READ, 0, 4096, 16, 0, null),
                new TraceRecord(200_000, Op.WRITE, Bio.PREFLUSH | Bio.SYNC, 0, 0, 0, null));
    }

    @Test
    void aMalformedLineNamesTheFileAndLine() {
        assertThatThrownBy(() -> all(CsvTraceReader.of(TraceReader.LineSource.of("t.csv",
                new StringReader("time_ns,op,sector,sectors\n0,W,2048,8\n10,X,1,1\n")))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("t.csv:3: expected a CSV line");
        assertThatThrownBy(() -> all(MsrReader.of(TraceReader.LineSource.of("m.csv",
                new StringReader("1,h,0,Write,0,4096,1\n2,h,0,Write,zero,4096,1\n")))))
                .hasMessageStartingWith("m.csv:2: expected an MSR line");
        assertThatThrownBy(() -> all(DiskSimReader.of(TraceReader.LineSource.of("d.trace",
                new StringReader("1 0 100\n")))))
                .hasMessageStartingWith("d.trace:1: expected a DiskSim line");
        assertThatThrownBy(() -> all(BlkparseReader.of(TraceReader.LineSource.of("b.txt",
                new StringReader("  8,0    0        1     0.000000000  1  Q  WS 0 + 8 [x]\nhello world\n")))))
                .hasMessageStartingWith("b.txt:2: expected a blkparse event line");
    }
}
