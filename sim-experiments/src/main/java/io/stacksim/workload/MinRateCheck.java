package io.stacksim.workload;

/**
 * fio's minimum-rate check (backend.c check_min_rate and __check_min_rate): at the end of each
 * turn of do_io, after a 2 s settle period from the start of the loop, every
 * {@code rate_cycle} ms the bytes (rate_min) or blocks (rate_iops_min) the loop completed since
 * the last check give a rate; below the minimum the job fails with EIO ("check_min_rate").
 * The first check after the settle period only records where it is. The counts are unsigned
 * in fio, so a check after a new loop (whose counts start again at 0) passes and records.
 */
public final class MinRateCheck {
    private final JobExtras.MinRate spec;
    private final String job;
    private final long[] lastBytes = new long[3];
    private final long[] lastBlocks = new long[3];
    private final long[] lastNs = new long[3];

    /** @param job the job's name, as fio's log_err line starts with it */
    public MinRateCheck(JobExtras.MinRate spec, String job) {
        this.spec = spec;
        this.job = job;
    }

    /** The start of the job's statistics (td->bw_sample_time at thread start): the first window's start. */
    public void start(long nowNs) {
        lastNs[0] = nowNs;
        lastNs[1] = nowNs;
    }

    /**
     * check_min_rate at {@code nowNs} (fio's comp_time).
     *
     * @param loopStartNs td->start, the start of this loop (or of the statistics after ramp_time)
     * @param bytes       td->this_io_bytes: bytes completed in this loop, per direction
     * @param blocks      td->this_io_blocks
     * @param done        td->bytes_done: bytes completed per direction (a direction with none is not checked)
     * @return fio's log_err line when the rate was not met, else null
     */
    public String check(long nowNs, long loopStartNs, long[] bytes, long[] blocks, long[] done) {
        String fail = null;
        for (int d = 0; d < Math.min(bytes.length, spec.bytesPerSec().size()); d++) { // rate_min: reads and writes
            if (done[d] > 0) {
                String f = check(d, nowNs, loopStartNs, bytes[d], blocks[d]);
                if (fail == null) {
                    fail = f;
                }
            }
        }
        return fail;
    }

    private String check(int d, long nowNs, long loopStartNs, long bytes, long blocks) {
        long minBytes = spec.bytesPerSec().get(d);
        long minIops = spec.iops().get(d);
        if (minBytes == 0 && minIops == 0) {
            return null;
        }
        // allow a 2 second settle period in the beginning (mtime_since, whole ms)
        if ((nowNs - loopStartNs) / 1_000_000 < 2000) {
            return null;
        }
        if (lastBytes[d] != 0 || lastBlocks[d] != 0) {
            long spent = (nowNs - lastNs[d]) / 1_000_000;
            if (spent < spec.cycleMs() || spent == 0) {
                return null;
            }
            if (minBytes > 0) {
                long diff = bytes - lastBytes[d];
                // unsigned in fio: a count that started again (a new loop) is a huge rate
                if (diff >= 0) {
                    long rate = diff * 1000 / spent;
                    if (rate < minBytes) {
                        return job + ": rate_min=" + minBytes + "B/s not met, got " + rate + "B/s";
                    }
                }
            } else {
                long diff = blocks - lastBlocks[d];
                if (diff >= 0) {
                    long iops = diff * 1000 / spent;
                    if (iops < minIops) {
                        return job + ": rate_iops_min=" + minIops + " not met, got " + iops + " IOPS";
                    }
                }
            }
        }
        lastBytes[d] = bytes;
        lastBlocks[d] = blocks;
        lastNs[d] = nowNs;
        return null;
    }
}
