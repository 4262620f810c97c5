package io.stacksim.experiment.run;

import io.stacksim.workload.JobStats;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * A run's completion-latency distributions (ns) per direction, taken from the jobs' HdrHistograms
 * (constant memory, 3 significant digits), and their compact text form: HdrHistogram's compressed
 * encoding in base64, a few kilobytes whatever the number of I/Os. Sweeps keep them per run when
 * a chart needs a distribution (CDF, log2 histogram), and pool replications by adding them.
 */
public final class LatencyHistograms {
    /** Direction names, as in the metric names {@code lat.read} and {@code lat.write}. */
    public static final String[] DIRECTIONS = {"read", "write"};

    private LatencyHistograms() {
    }

    /** The run's latency histogram per direction (only directions with I/Os), all jobs added. */
    public static Map<String, Histogram> of(RunResult r) {
        Map<String, Histogram> out = new LinkedHashMap<>();
        for (int d = 0; d < DIRECTIONS.length; d++) {
            Histogram h = new Histogram(3);
            for (JobSummary j : r.jobs()) {
                JobStats s = j.stats();
                h.add(s.clat[d].histogram());
            }
            if (h.getTotalCount() > 0) {
                out.put(DIRECTIONS[d], h);
            }
        }
        return out;
    }

    /** HdrHistogram's compressed encoding, base64. */
    public static String encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(buf);
        byte[] bytes = new byte[n];
        buf.rewind();
        buf.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The inverse of {@link #encode}; the result resizes itself when others are added to it. */
    public static Histogram decode(String base64) {
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
            h.setAutoResize(true);
            return h;
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new IllegalArgumentException("bad latency histogram: " + e.getMessage(), e);
        }
    }
}
