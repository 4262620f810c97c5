package io.stacksim.workload;

import io.stacksim.engine.RandomStream;
import java.util.function.IntSupplier;

/**
 * Which of a job's files the next I/O goes to, as fio 3.33's io_u.c chooses it
 * (__get_next_file, get_next_file_rr, get_next_file_rand, set_io_u_file): the file in service
 * keeps the next {@code N-1} I/Os of {@code file_service_type=TYPE:N} (sequential keeps it while
 * it is open); then round robin takes the next file in order from file 0, random a uniform
 * draw, zipf/pareto/normal a draw from their generator. A file that is not open is opened when
 * chosen unless {@code openfiles} are open already, which is fio's -EBUSY: get_next_file_rr has
 * advanced its cursor by then, so retries walk on through the files until they reach an open
 * one. A file whose region is used up is closed and done (a zipf/pareto/normal file is only
 * reset: it can be drawn again); when every file is done the loop is over.
 *
 * <p>An -EBUSY with I/O in flight makes fio reap before it retries; with none in flight the
 * retries are back to back and change nothing but the cursor, so {@link #next} walks them in
 * one call ({@link #busyRetries} says how many there were).
 */
final class FileService {
    /** -EBUSY: the chosen file is closed and openfiles are open (only when the caller can reap). */
    static final int BUSY = -1;
    /** Every file is done: get_next_file returns NULL and the loop ends. */
    static final int NONE = -2;

    /** Draws after which a random choice that keeps missing the open files is given up. */
    private static final long MAX_DRAWS = 100_000_000L;

    private final int n;
    private final String type;
    private final int serviceNr;
    private final int openLimit;
    private final RandomStream uniform;
    private final IntSupplier distribution;
    private final boolean[] open;
    private final boolean[] done;
    private int nrOpen;
    private int nrDone;
    private int nextFile;
    private int current = -1;
    private int left;
    private boolean opened;
    private long busyRetries;

    /**
     * @param n            the job's files
     * @param type         roundrobin, sequential, random, zipf, pareto or normal
     * @param serviceNr    I/Os per choice (the :N of roundrobin, sequential and random; 1 otherwise)
     * @param openFiles    openfiles (0 = every file, fio's fixup_options)
     * @param uniform      file_service_type=random's generator
     * @param distribution zipf/pareto/normal's file numbers, or null
     */
    FileService(int n, String type, int serviceNr, int openFiles, RandomStream uniform, IntSupplier distribution) {
        this.n = n;
        this.type = type;
        this.serviceNr = Math.max(1, serviceNr);
        this.openLimit = openFiles <= 0 ? n : Math.min(openFiles, n);
        this.uniform = uniform;
        this.distribution = distribution;
        this.open = new boolean[n];
        this.done = new boolean[n];
    }

    private boolean nonUniform() {
        return distribution != null;
    }

    /**
     * __get_next_file: the file for the next I/O, {@link #BUSY} (only when {@code canReap}) or
     * {@link #NONE}. A file chosen while closed is now counted open and {@link #takeOpened()}
     * is true: the caller opens it (td_io_open_file) before using it.
     */
    int next(boolean canReap) {
        opened = false;
        if (nrDone >= n) {
            return NONE;
        }
        if (current >= 0 && open[current]) {
            if (type.equals("sequential")) {
                return current;
            }
            if (left > 0) {
                left--;
                return current;
            }
        }
        int f = type.equals("roundrobin") || type.equals("sequential") ? nextRoundRobin(canReap) : nextRandom(canReap);
        if (f < 0) {
            return f;
        }
        current = f;
        left = serviceNr - 1;
        return f;
    }

    /** get_next_file_rr: from the cursor on, skipping done files; -EBUSY advances the cursor too. */
    private int nextRoundRobin(boolean canReap) {
        int start = nextFile;
        while (true) {
            int f = nextFile;
            nextFile = (nextFile + 1) % n;
            if (!done[f]) {
                int r = tryFile(f, canReap);
                if (r != RETRY) {
                    return r;
                }
                // A retry with nothing in flight starts again from the advanced cursor.
                start = nextFile;
            } else if (nextFile == start) {
                // Only done files were found in a whole pass (cannot happen while nrDone < n).
                return NONE;
            }
        }
    }

    /** get_next_file_rand: draws until a file not done is open or may be opened. */
    private int nextRandom(boolean canReap) {
        for (long draws = 0; ; draws++) {
            if (draws == MAX_DRAWS) {
                throw new IllegalArgumentException("file_service_type=" + type + " with openfiles=" + openLimit
                        + ": " + MAX_DRAWS + " draws found no open file (fio would spin here too); raise openfiles");
            }
            int f = nonUniform() ? Math.min(n - 1, distribution.getAsInt()) : uniform.nextInt(n);
            if (!done[f]) {
                int r = tryFile(f, canReap);
                if (r != RETRY) {
                    return r;
                }
            }
        }
    }

    /** A choice that must be retried at once (-EBUSY with nothing in flight to reap). */
    private static final int RETRY = -3;

    /**
     * A file that is not done, as both get_next_file_rr and _rand take it: open already, or
     * opened now if fewer than openfiles are; else -EBUSY, {@link #BUSY} to a caller that can
     * reap, {@link #RETRY} otherwise.
     */
    private int tryFile(int f, boolean canReap) {
        if (open[f]) {
            return f;
        }
        if (nrOpen < openLimit) {
            markOpen(f);
            return f;
        }
        busyRetries++;
        return canReap ? BUSY : RETRY;
    }

    private void markOpen(int f) {
        open[f] = true;
        nrOpen++;
        opened = true;
    }

    /** True once after {@link #next} chose a file that was closed. */
    boolean takeOpened() {
        boolean o = opened;
        opened = false;
        return o;
    }

    /**
     * set_io_u_file after fill_io_u failed on {@code f}: it is closed, and done (or, for
     * zipf/pareto/normal, only reset so that it can be drawn again). Returns true when the
     * caller must reset the file's offsets (fio_file_reset).
     */
    boolean exhausted(int f) {
        close(f);
        if (nonUniform()) {
            return true;
        }
        done[f] = true;
        nrDone++;
        return false;
    }

    /** The file is closed (td_io_close_file). */
    void close(int f) {
        if (open[f]) {
            open[f] = false;
            nrOpen--;
        }
    }

    /** {@code f} is opened outside get_next_file (end_fsync's fio_file_fsync): counted open. */
    void reopened(int f) {
        if (!open[f]) {
            open[f] = true;
            nrOpen++;
        }
    }

    /** True while {@code f} is open. */
    boolean isOpen(int f) {
        return open[f];
    }

    /** clear_io_state: every file closed and not done, for the next loop; the cursor stays. */
    void nextLoop() {
        java.util.Arrays.fill(open, false);
        java.util.Arrays.fill(done, false);
        nrOpen = 0;
        nrDone = 0;
    }

    /** -EBUSY answers so far: get_next_file calls that found openfiles open and the file closed. */
    long busyRetries() {
        return busyRetries;
    }
}
