package io.stacksim.block;

/**
 * I/O priority classes (include/uapi/linux/ioprio.h). {@code NONE} is scheduled as
 * best-effort, as mq-deadline does.
 */
public enum IoPriority {
    NONE, RT, BE, IDLE;

    /** IOPRIO_CLASS_SHIFT. */
    public static final int CLASS_SHIFT = 13;
    /** IOPRIO_NR_LEVELS: levels 0 (highest) to 7. */
    public static final int NR_LEVELS = 8;

    /** The class a scheduler uses: NONE maps to BE. */
    public IoPriority effective() {
        return this == NONE ? BE : this;
    }

    /** IOPRIO_PRIO_VALUE(class, level); the ordinal is the kernel's class number (NONE 0 .. IDLE 3). */
    public static int value(IoPriority cls, int level) {
        if (level < 0 || level >= NR_LEVELS) {
            throw new IllegalArgumentException("I/O priority level " + level + " outside 0..7");
        }
        return cls.ordinal() << CLASS_SHIFT | level;
    }

    /** The classes by their kernel number, once: values() would copy the array on every call. */
    private static final IoPriority[] BY_NUMBER = values();

    /** IOPRIO_PRIO_CLASS. */
    public static IoPriority classOf(int ioprio) {
        return BY_NUMBER[(ioprio >>> CLASS_SHIFT) & 3];
    }

    /** IOPRIO_PRIO_LEVEL. */
    public static int levelOf(int ioprio) {
        return ioprio & (NR_LEVELS - 1);
    }
}
