package io.stacksim.block;

/**
 * I/O priority classes (include/uapi/linux/ioprio.h). {@code NONE} is scheduled as
 * best-effort, as mq-deadline does.
 */
public enum IoPriority {
    NONE, RT, BE, IDLE;

    /** The class a scheduler uses: NONE maps to BE. */
    public IoPriority effective() {
        return this == NONE ? BE : this;
    }
}
