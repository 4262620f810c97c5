package io.stacksim.devices.dma;

import io.stacksim.engine.Event;
import io.stacksim.engine.Simulator;

/**
 * A PCIe link: full duplex, and in each direction the transfers in flight share the bandwidth
 * equally (egalitarian processor sharing).
 *
 * <p>Why processor sharing: a PCIe DMA engine splits every transfer into TLPs of at most
 * Max_Payload_Size (256 B typically) and the engines of the commands in flight take turns at
 * TLP granularity. A 4 KiB transfer is 16 TLPs, so round-robin interleaving of packets is
 * within one TLP time (~35 ns at gen4 x4) of processor sharing, which is its fluid limit
 * (Kleinrock, Queueing Systems vol. 2, s4.4). Throughput is the same as FIFO; what differs is
 * that a short transfer is not stuck behind a long one, as on the real link.
 *
 * <p>Each transfer first waits {@code setup} (descriptor fetch: a DMA read round trip), which
 * costs latency but no bandwidth, then joins the share. Implementation: virtual time
 * (bytes served to each active transfer) advances at {@code rate / n}; a transfer ends when
 * the virtual time reaches its finish tag; a heap of tags finds the next end, and one reusable
 * event per direction is re-armed, so a transfer allocates nothing.
 */
public final class SharedLink implements DmaLink {
    private final Simulator sim;
    private final LinkSpec spec;
    private final long setupNs;
    private final Direction up;
    private final Direction down;
    private long transfers;
    private long bytes;

    public SharedLink(Simulator sim, LinkSpec spec, long setupNs) {
        if (setupNs < 0) {
            throw new IllegalArgumentException("negative link setup");
        }
        this.sim = sim;
        this.spec = spec;
        this.setupNs = setupNs;
        this.up = new Direction(spec.encodedBytesPerSecond() / 1e9);
        this.down = spec.fullDuplex() ? new Direction(spec.encodedBytesPerSecond() / 1e9) : up;
    }

    public LinkSpec spec() {
        return spec;
    }

    @Override
    public void start(DmaTransfer t) {
        transfers++;
        bytes += t.bytes;
        t.tStart = sim.now();
        t.queuedNs = 0;
        t.server = t.toHost ? up : down;
        if (setupNs == 0) {
            t.server.join(t);
        } else {
            sim.after(setupNs, t);
        }
    }

    @Override
    public long idleTransferTime(long n) {
        return setupNs + (long) Math.ceil(spec.wireBytes(n) / up.bytesPerNs);
    }

    @Override
    public long setupNs() {
        return setupNs;
    }

    @Override
    public double dataBytesPerSecond() {
        return spec.dataBytesPerSecond();
    }

    @Override
    public long transfers() {
        return transfers;
    }

    @Override
    public long bytes() {
        return bytes;
    }

    @Override
    public long busyNs() {
        return up.busyNs + (down == up ? 0 : down.busyNs);
    }

    /** Transfers moving data right now in the device-to-host direction. */
    public int activeToHost() {
        return up.n;
    }

    /** One direction's processor-sharing server. */
    final class Direction implements Event {
        private static final double EPS = 1e-6;
        final double bytesPerNs;
        double vtime;
        long lastUpdate;
        long busyNs;
        int n;
        DmaTransfer[] heap = new DmaTransfer[16];
        long armedFor = -1;

        Direction(double bytesPerNs) {
            this.bytesPerNs = bytesPerNs;
        }

        void join(DmaTransfer t) {
            advance();
            t.finishTag = vtime + spec.wireBytes(t.bytes);
            push(t);
            arm();
        }

        private void advance() {
            long now = sim.now();
            if (n > 0 && now > lastUpdate) {
                vtime += (now - lastUpdate) * bytesPerNs / n;
                busyNs += now - lastUpdate;
            }
            lastUpdate = now;
        }

        private void arm() {
            if (n == 0) {
                armedFor = -1;
                return;
            }
            double left = Math.max(0, heap[0].finishTag - vtime);
            // At least 1 ns ahead: when vtime is large its rounding can leave a head transfer a
            // hair short of its tag; re-arming at the same instant would then loop for ever.
            long at = sim.now() + Math.max(1, (long) Math.ceil(left * n / bytesPerNs - EPS));
            if (at != armedFor) {
                armedFor = at;
                sim.schedule(at, this);
            }
        }

        @Override
        public void fire() {
            if (sim.now() != armedFor) {
                return; // superseded by a later arming
            }
            armedFor = -1;
            advance();
            long now = sim.now();
            while (n > 0 && heap[0].finishTag <= vtime + EPS) {
                DmaTransfer t = pop();
                t.tEnd = now;
                t.done.fire();
            }
            if (n == 0) {
                vtime = 0; // idle: restart virtual time, so that it stays small and exact
            }
            if (armedFor < 0) {
                arm();
            }
        }

        // ---- binary min-heap on finishTag (ties: insertion order is not needed, tags differ)
        private void push(DmaTransfer t) {
            if (n == heap.length) {
                heap = java.util.Arrays.copyOf(heap, n * 2);
            }
            int i = n++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (heap[p].finishTag <= t.finishTag) {
                    break;
                }
                heap[i] = heap[p];
                i = p;
            }
            heap[i] = t;
        }

        private DmaTransfer pop() {
            DmaTransfer top = heap[0];
            DmaTransfer last = heap[--n];
            heap[n] = null;
            if (n > 0) {
                int i = 0;
                while (true) {
                    int c = 2 * i + 1;
                    if (c >= n) {
                        break;
                    }
                    if (c + 1 < n && heap[c + 1].finishTag < heap[c].finishTag) {
                        c++;
                    }
                    if (heap[c].finishTag >= last.finishTag) {
                        break;
                    }
                    heap[i] = heap[c];
                    i = c;
                }
                heap[i] = last;
            }
            return top;
        }
    }
}
