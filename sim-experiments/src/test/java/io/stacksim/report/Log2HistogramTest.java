package io.stacksim.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class Log2HistogramTest {

    @Test
    void bucketsFollowBiolatency() {
        // bcc: bucket = bpf_log2l(usecs) = floor(log2 u) + 1; print_log2_hist labels bucket i
        // as [2^(i-1), 2^i - 1], with bucket 1 printed as 0 -> 1
        assertThat(Log2Histogram.bucket(0)).isEqualTo(1);
        assertThat(Log2Histogram.bucket(1)).isEqualTo(1);
        assertThat(Log2Histogram.bucket(2)).isEqualTo(2);
        assertThat(Log2Histogram.bucket(3)).isEqualTo(2);
        assertThat(Log2Histogram.bucket(4)).isEqualTo(3);
        assertThat(Log2Histogram.bucket(1000)).isEqualTo(10);
        assertThat(Log2Histogram.bucket(1023)).isEqualTo(10);
        assertThat(Log2Histogram.bucket(1024)).isEqualTo(11);
        assertThat(Log2Histogram.label(1)).isEqualTo("0 -> 1");
        assertThat(Log2Histogram.label(10)).isEqualTo("512 -> 1023");
    }

    @Test
    void countsLatenciesInTheirMicrosecondBucketAndPrintsStarsLikeBcc() {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(5_500, 10);      // 5 us -> 4 -> 7
        h.recordValueWithCount(100_000, 40);    // 100 us -> 64 -> 127
        h.recordValueWithCount(150_000, 20);    // 150 us -> 128 -> 255
        Log2Histogram l = Log2Histogram.of(h);
        assertThat(l.total()).isEqualTo(70);
        assertThat(l.counts()[3]).isEqualTo(10);
        assertThat(l.counts()[7]).isEqualTo(40);
        assertThat(l.counts()[8]).isEqualTo(20);
        String[] lines = l.text().split("\n");
        assertThat(lines[0]).isEqualTo("     usecs               : count     distribution");
        assertThat(lines[1]).isEqualTo("         4 -> 7          : 10       |**********                              |");
        assertThat(lines[5]).isEqualTo("        64 -> 127        : 40       |****************************************|");
        assertThat(lines[6]).isEqualTo("       128 -> 255        : 20       |********************                    |");
    }
}
