package io.stacksim.block;

/**
 * An issuer of bios that is not a simulated task: a kernel thread or a trace replayer feeding
 * the block layer directly. It never sleeps, so its plug is flushed only by unplugging.
 */
public final class Submitter implements IoOwner {
    private final int pid;
    private final String comm;
    private final int cpu;
    private Plug plug;
    private long dmaTransfers;
    private long dmaBytes;

    public Submitter(int pid, String comm, int cpu) {
        this.pid = pid;
        this.comm = comm;
        this.cpu = cpu;
    }

    @Override
    public int pid() {
        return pid;
    }

    @Override
    public String comm() {
        return comm;
    }

    @Override
    public int cpu() {
        return cpu;
    }

    @Override
    public void countDma(long bytes) {
        dmaTransfers++;
        dmaBytes += bytes;
    }

    public long dmaTransfers() {
        return dmaTransfers;
    }

    public long dmaBytes() {
        return dmaBytes;
    }

    @Override
    public Plug plug() {
        return plug;
    }

    @Override
    public void setPlug(Plug plug) {
        this.plug = plug;
    }

    @Override
    public String toString() {
        return comm + "[" + pid + "]";
    }
}
