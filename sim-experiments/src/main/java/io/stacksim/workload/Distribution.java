package io.stacksim.workload;

import java.util.List;

/**
 * fio's random_distribution: how random offsets are spread over a file's blocks
 * (io_u.c get_next_rand_offset; lib/zipf.c; lib/gauss.c).
 */
public sealed interface Distribution {
    /** fio's spelling, e.g. "zipf:1.2". */
    String fioName();

    /** Uniform; with the random map each block is used once per pass unless norandommap. */
    record Uniform() implements Distribution {
        public String fioName() {
            return "random";
        }
    }

    /**
     * Zipf with exponent {@code theta} (!= 1); {@code center} in [0,1] places the hot spot, or -1
     * for fio's random offset.
     */
    record Zipf(double theta, double center) implements Distribution {
        public String fioName() {
            return "zipf:" + theta;
        }
    }

    /** Pareto with shape {@code h} in (0,1): pareto:0.2 puts 80% of accesses on 20% of blocks. */
    record Pareto(double h, double center) implements Distribution {
        public String fioName() {
            return "pareto:" + h;
        }
    }

    /** Normal ("gauss"), {@code devPercent} the deviation as a percentage of the blocks. */
    record Normal(double devPercent, double center) implements Distribution {
        public String fioName() {
            return "normal:" + devPercent;
        }
    }

    /**
     * Zoned: {@code zones} per direction (read, write); each zone takes {@code accessPercent} of
     * the I/O, spread uniformly over its share of the file, given as {@code sizePercent} or (for
     * zoned_abs) {@code sizeBytes}.
     */
    record Zoned(List<Zone> read, List<Zone> write, boolean absolute) implements Distribution {
        public String fioName() {
            return absolute ? "zoned_abs" : "zoned";
        }

        public List<Zone> of(int ddir) {
            return ddir == 0 ? read : write;
        }
    }

    /** One zone of a zoned distribution. */
    record Zone(int accessPercent, int sizePercent, long sizeBytes) {
    }
}
