package io.stacksim.workload;

import io.stacksim.block.Bio;
import io.stacksim.engine.LatencyRecorder;

/**
 * What one job measured: per-direction completion latency (fio's clat: from issuing the I/O to
 * seeing it complete), bytes and I/Os, and where each I/O's time went.
 *
 * <p>The per-layer split of one I/O adds up to its latency exactly: {@code cpu} (syscall entry
 * and submission, until the bio is queued), {@code queue} (plug, scheduler and tag wait, until
 * dispatch), the device's {@code devQueue}, {@code media}, {@code transfer} and
 * {@code devOverhead}, and {@code completion} (interrupt, wake-up, context switch, return).
 */
public final class JobStats {
    public static final int READ = 0;
    public static final int WRITE = 1;

    public final LatencyRecorder[] clat = {new LatencyRecorder(), new LatencyRecorder()};
    /** fsync/fdatasync/msync latencies (fio's "sync" block). */
    public final LatencyRecorder syncLat = new LatencyRecorder();
    public final long[] ios = new long[2];
    public final long[] bytes = new long[2];
    /** Sums over I/Os of each layer's share, ns: cpu, queue, devQueue, media, transfer, devOverhead, completion. */
    public final double[] layers = new double[Layer.values().length];
    public long layerSamples;
    public long errors;
    public long startNs;
    public long endNs;

    /** The layers of {@link #layers}, in the order a request meets them. */
    public enum Layer {
        CPU("cpu"), QUEUE("queue"), DEVICE_QUEUE("device_queue"), MEDIA("media"), TRANSFER("transfer"),
        DEVICE_OVERHEAD("device_overhead"), COMPLETION("completion");

        public final String key;

        Layer(String key) {
            this.key = key;
        }
    }

    /** Records one completed I/O issued at {@code issued} and seen complete at {@code now}. */
    public void record(int dir, long issued, long now, long nbytes, Bio last) {
        long total = now - issued;
        clat[dir].record(total);
        ios[dir]++;
        bytes[dir] += nbytes;
        layerSamples++;
        if (last == null) {
            layers[Layer.CPU.ordinal()] += total;
            return;
        }
        // A bio issued before this I/O began (readahead in flight) counts only from the start.
        long q = Math.max(last.tQueued, issued);
        long d = Math.max(last.tDispatched, issued);
        long c = Math.max(last.tCompleted, issued);
        long queue = d - q;
        long device = c - d;
        long completion = now - c;
        long cpu = total - queue - device - completion;
        long fullDevice = last.tCompleted - last.tDispatched;
        double share = fullDevice <= 0 ? 0 : (double) device / fullDevice;
        double devQueue = last.devQueueNs * share;
        double media = last.devMediaNs * share;
        double transfer = last.devTransferNs * share;
        layers[Layer.CPU.ordinal()] += cpu;
        layers[Layer.QUEUE.ordinal()] += queue;
        layers[Layer.DEVICE_QUEUE.ordinal()] += devQueue;
        layers[Layer.MEDIA.ordinal()] += media;
        layers[Layer.TRANSFER.ordinal()] += transfer;
        layers[Layer.DEVICE_OVERHEAD.ordinal()] += device - devQueue - media - transfer;
        layers[Layer.COMPLETION.ordinal()] += completion;
    }

    /** Forgets everything (end of ramp_time). */
    public void reset(long now) {
        for (LatencyRecorder r : clat) {
            r.reset();
        }
        syncLat.reset();
        java.util.Arrays.fill(ios, 0);
        java.util.Arrays.fill(bytes, 0);
        java.util.Arrays.fill(layers, 0);
        layerSamples = 0;
        errors = 0;
        startNs = now;
    }

    /** Adds another job's figures (group reporting). */
    public void add(JobStats o) {
        for (int d = 0; d < 2; d++) {
            clat[d].add(o.clat[d]);
            ios[d] += o.ios[d];
            bytes[d] += o.bytes[d];
        }
        for (int i = 0; i < layers.length; i++) {
            layers[i] += o.layers[i];
        }
        syncLat.add(o.syncLat);
        layerSamples += o.layerSamples;
        errors += o.errors;
        startNs = Math.min(startNs, o.startNs);
        endNs = Math.max(endNs, o.endNs);
    }

    public long runtimeNs() {
        return endNs - startNs;
    }
}
