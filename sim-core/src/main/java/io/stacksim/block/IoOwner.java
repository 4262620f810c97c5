package io.stacksim.block;

/**
 * The issuer of a bio, charged with its DMA transfers and named in block traces.
 * Implemented by the OS's tasks and by kernel threads (flusher, kworker).
 */
public interface IoOwner {
    /** Process id shown in block traces. */
    int pid();

    /** Command name shown in block traces, e.g. "fio" or "kworker/u4:1". */
    String comm();

    /** CPU the owner runs on, used for completion affinity (rq_affinity). */
    int cpu();

    /** Counts a DMA transfer of {@code bytes} made on the owner's behalf. */
    void countDma(long bytes);
}
