package io.stacksim.workload;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The per-I/O logs a job asked for, in fio's formats (HOWTO "Log File Formats" and "Trace file
 * format"; iolog.c):
 *
 * <ul>
 *   <li>write_lat_log=P: P_slat.N.log (async engines), P_clat.N.log and P_lat.N.log, lines
 *       "time_ms, latency_ns, ddir, bs, prio";</li>
 *   <li>write_bw_log=P: P_bw.N.log, per I/O bytes x 10^6 / clat_ns (what fio 3.33 logs);</li>
 *   <li>write_iops_log=P: P_iops.N.log, 1 per I/O;</li>
 *   <li>with log_avg_msec=M, one line per direction per M ms window instead: the mean latency,
 *       the window's KiB/s or IOPS, with bs 0;</li>
 *   <li>write_iolog=F: "fio version 3 iolog", then "usec file action [offset length]" for
 *       add, open, each issued read/write/sync, and close.</li>
 * </ul>
 * N is the clone's number from 1, left out when per_job_logs=0. Time is from the job's start.
 */
final class JobLogs implements AutoCloseable {
    private final JobSpec.Logs spec;
    private final long avgNs;
    private BufferedWriter slat;
    private BufferedWriter clat;
    private BufferedWriter lat;
    private BufferedWriter bw;
    private BufferedWriter iops;
    private BufferedWriter iolog;
    private long windowStart;
    private final double[][] sums = new double[5][3];
    private final long[][] counts = new long[5][3];
    private long startNs;

    JobLogs(JobSpec spec, int clone, Path dir, boolean async) {
        this.spec = spec.reporting().logs();
        this.avgNs = this.spec.avgMsec() * 1_000_000L;
        String n = this.spec.perJob() ? "." + (clone + 1) : "";
        try {
            if (this.spec.latPrefix() != null) {
                String p = prefix(this.spec.latPrefix(), spec.name());
                if (async) {
                    slat = open(dir.resolve(p + "_slat" + n + ".log"));
                }
                clat = open(dir.resolve(p + "_clat" + n + ".log"));
                lat = open(dir.resolve(p + "_lat" + n + ".log"));
            }
            if (this.spec.bwPrefix() != null) {
                bw = open(dir.resolve(prefix(this.spec.bwPrefix(), spec.name()) + "_bw" + n + ".log"));
            }
            if (this.spec.iopsPrefix() != null) {
                iops = open(dir.resolve(prefix(this.spec.iopsPrefix(), spec.name()) + "_iops" + n + ".log"));
            }
            if (this.spec.iolog() != null) {
                iolog = open(dir.resolve(this.spec.iolog()));
                iolog.write("fio version 3 iolog\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String prefix(String p, String job) {
        return p.isEmpty() ? job : p;
    }

    private static BufferedWriter open(Path p) throws IOException {
        Path parent = p.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Files.newBufferedWriter(p, StandardCharsets.UTF_8);
    }

    void start(long now) {
        startNs = now;
        windowStart = now;
    }

    /** A file event of the iolog ("add", "open", "close"). */
    void fileEvent(long now, String file, String action) {
        if (iolog != null) {
            write(iolog, (now - startNs) / 1000 + " " + file + " " + action + "\n");
        }
    }

    /** An issued I/O for the iolog. */
    void issued(long now, String file, int ddir, long offset, long len) {
        if (iolog != null) {
            String action = switch (ddir) {
                case JobStats.READ -> "read";
                case JobStats.WRITE -> "write";
                case JobStats.TRIM -> "trim";
                case JobStats.SYNC -> "sync";
                case JobStats.SYNC_FILE_RANGE -> "sync_file_range";
                default -> "datasync";
            };
            write(iolog, (now - startNs) / 1000 + " " + file + " " + action + " " + offset + " " + len + "\n");
        }
    }

    /** A completed read or write. */
    void completed(long now, int ddir, long bs, long slatNs, long clatNs, long latNs, boolean hasSlat, long offset,
                   int ioprio) {
        if (avgNs > 0) {
            flushWindows(now);
            add(0, ddir, slatNs, hasSlat);
            add(1, ddir, clatNs, true);
            add(2, ddir, latNs, true);
            add(3, ddir, bs, true);
            add(4, ddir, 1, true);
            return;
        }
        long ms = (now - startNs) / 1_000_000;
        String tail = tail(offset, ioprio);
        if (hasSlat && slat != null) {
            line(slat, ms, slatNs, ddir, bs, tail);
        }
        if (clat != null) {
            line(clat, ms, clatNs, ddir, bs, tail);
        }
        if (lat != null) {
            line(lat, ms, latNs, ddir, bs, tail);
        }
        if (bw != null) {
            line(bw, ms, clatNs > 0 ? bs * 1_000_000 / clatNs : 0, ddir, bs, tail);
        }
        if (iops != null) {
            line(iops, ms, 1, ddir, bs, tail);
        }
    }

    private void add(int kind, int ddir, long v, boolean take) {
        if (take) {
            sums[kind][ddir] += v;
            counts[kind][ddir]++;
        }
    }

    /** Writes the windows that ended before {@code now}. */
    private void flushWindows(long now) {
        while (now - windowStart >= avgNs) {
            long end = windowStart + avgNs;
            long ms = (end - startNs) / 1_000_000;
            double secs = avgNs / 1e9;
            for (int d = 0; d < 3; d++) {
                if (counts[1][d] == 0) {
                    continue;
                }
                if (slat != null && counts[0][d] > 0) {
                    line(slat, ms, (long) (sums[0][d] / counts[0][d]), d, 0);
                }
                if (clat != null) {
                    line(clat, ms, (long) (sums[1][d] / counts[1][d]), d, 0);
                }
                if (lat != null) {
                    line(lat, ms, (long) (sums[2][d] / counts[2][d]), d, 0);
                }
                if (bw != null) {
                    line(bw, ms, (long) (sums[3][d] / 1024 / secs), d, 0);
                }
                if (iops != null) {
                    line(iops, ms, (long) (counts[4][d] / secs), d, 0);
                }
            }
            for (int k = 0; k < 5; k++) {
                sums[k][0] = sums[k][1] = sums[k][2] = 0;
                counts[k][0] = counts[k][1] = counts[k][2] = 0;
            }
            windowStart = end;
        }
    }

    private static void line(BufferedWriter w, long ms, long value, int ddir, long bs) {
        write(w, ms + ", " + value + ", " + ddir + ", " + bs + ", 0\n");
    }

    private static void line(BufferedWriter w, long ms, long value, int ddir, long bs, String tail) {
        write(w, ms + ", " + value + ", " + ddir + ", " + bs + tail);
    }

    /**
     * flush_samples' last columns: with log_offset the I/O's offset, then with log_prio its
     * ioprio as 0x%04x, else 1 when its class is realtime (ioprio_value_is_class_rt), 0 otherwise.
     */
    private String tail(long offset, int ioprio) {
        String prio = spec.prio() ? String.format(java.util.Locale.ROOT, "0x%04x", ioprio)
                : (ioprio >> 13) == 1 ? "1" : "0";
        return (spec.offset() ? ", " + offset : "") + ", " + prio + "\n";
    }

    private static void write(BufferedWriter w, String s) {
        try {
            w.write(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the logs at {@code now}: the last window (if averaging), then the files. */
    void finish(long now) {
        if (avgNs > 0) {
            flushWindows(now + avgNs);
        }
        close();
    }

    @Override
    public void close() {
        for (BufferedWriter w : new BufferedWriter[] {slat, clat, lat, bw, iops, iolog}) {
            if (w != null) {
                try {
                    w.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }
}
