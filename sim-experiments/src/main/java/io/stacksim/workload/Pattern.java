package io.stacksim.workload;

import java.util.Locale;

/** fio's {@code rw}: the direction and order of a job's I/Os. */
public enum Pattern {
    READ(false, true, false), WRITE(false, false, true), RANDREAD(true, true, false),
    RANDWRITE(true, false, true), RW(false, true, true), RANDRW(true, true, true);

    public final boolean random;
    public final boolean reads;
    public final boolean writes;

    Pattern(boolean random, boolean reads, boolean writes) {
        this.random = random;
        this.reads = reads;
        this.writes = writes;
    }

    /** fio's spelling: read, write, randread, randwrite, rw (or readwrite), randrw. */
    public static Pattern parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "read" -> READ;
            case "write" -> WRITE;
            case "randread" -> RANDREAD;
            case "randwrite" -> RANDWRITE;
            case "rw", "readwrite" -> RW;
            case "randrw" -> RANDRW;
            default -> throw new IllegalArgumentException(
                    "expected read, write, randread, randwrite, rw or randrw, got '" + s + "'");
        };
    }

    public String fioName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean mixed() {
        return reads && writes;
    }
}
