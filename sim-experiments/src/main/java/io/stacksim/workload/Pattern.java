package io.stacksim.workload;

import java.util.Locale;

/**
 * fio's {@code rw}: the direction and order of a job's I/Os (td_ddir: TD_DDIR_READ, WRITE, TRIM
 * and RAND bits). {@code trimwrite} and {@code randtrimwrite} trim a block and then write it
 * (io_u.c set_rw_ddir: a trim when the file's last write started where its last trim did, else
 * the write of the block just trimmed).
 */
public enum Pattern {
    READ(false, true, false, false), WRITE(false, false, true, false), RANDREAD(true, true, false, false),
    RANDWRITE(true, false, true, false), RW(false, true, true, false), RANDRW(true, true, true, false),
    TRIM(false, false, false, true), RANDTRIM(true, false, false, true), TRIMWRITE(false, false, true, true),
    RANDTRIMWRITE(true, false, true, true);

    public final boolean random;
    public final boolean reads;
    public final boolean writes;
    public final boolean trims;

    Pattern(boolean random, boolean reads, boolean writes, boolean trims) {
        this.random = random;
        this.reads = reads;
        this.writes = writes;
        this.trims = trims;
    }

    /** fio's spelling: read, write, randread, randwrite, rw (or readwrite), randrw, trim, randtrim, trimwrite, randtrimwrite. */
    public static Pattern parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "read" -> READ;
            case "write" -> WRITE;
            case "randread" -> RANDREAD;
            case "randwrite" -> RANDWRITE;
            case "rw", "readwrite" -> RW;
            case "randrw" -> RANDRW;
            case "trim" -> TRIM;
            case "randtrim" -> RANDTRIM;
            case "trimwrite" -> TRIMWRITE;
            case "randtrimwrite" -> RANDTRIMWRITE;
            default -> throw new IllegalArgumentException("expected read, write, randread, randwrite, rw, randrw, trim,"
                    + " randtrim, trimwrite or randtrimwrite, got '" + s + "'");
        };
    }

    public String fioName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** td_rw: reads and writes mixed by rwmixread. */
    public boolean mixed() {
        return reads && writes;
    }

    /** td_trimwrite: each block trimmed, then written. */
    public boolean trimWrite() {
        return trims && writes;
    }

    /** Whether the job does I/O of {@code ddir} ({@link JobStats#READ}, WRITE or TRIM). */
    public boolean does(int ddir) {
        return ddir == JobStats.READ ? reads : ddir == JobStats.WRITE ? writes : trims;
    }
}
