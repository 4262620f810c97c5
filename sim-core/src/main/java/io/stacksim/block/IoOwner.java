package io.stacksim.block;

/**
 * The issuer of a bio, charged with its DMA transfers and named in block traces.
 * Implemented by the OS's tasks and by kernel threads (flusher, kworker, a trace replayer).
 * Like {@code current->plug}, an owner may hold one active {@link Plug}.
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

    /** The owner's active plug ({@code current->plug}), or null. */
    Plug plug();

    /** Sets or clears ({@code null}) the owner's active plug. */
    void setPlug(Plug plug);

    /**
     * The plug the owner finished last, kept for its next blk_start_plug (the kernel's
     * {@code struct blk_plug} lives in the caller's stack frame, not on the heap), or null; an
     * owner that keeps none allocates a plug each time.
     */
    default Plug sparePlug() {
        return null;
    }

    /** Keeps {@code plug} (finished, empty) for reuse, or clears the spare ({@code null}). */
    default void setSparePlug(Plug plug) {
    }

    /**
     * The owner's I/O priority ({@code current->io_context->ioprio}) as
     * {@link IoPriority#value IOPRIO_PRIO_VALUE(class, level)}; 0 (class NONE) unless set with
     * ioprio_set.
     */
    default int ioprio() {
        return 0;
    }

    /** The block cgroup the owner's I/O is charged to; the root cgroup unless placed elsewhere. */
    default Blkcg blkcg() {
        return Blkcg.ROOT;
    }
}
