package io.stacksim.workload.fio;

import io.stacksim.config.ConfigException;
import io.stacksim.config.Origin;
import io.stacksim.workload.ZoneSpec;

/**
 * fio's zone options as a job's option list sets them (options.c: zonemode, zonesize,
 * zonecapacity, zonerange, zoneskip, read_beyond_wp, max_open_zones, job_max_open_zones,
 * ignore_zone_limits, zone_reset_threshold, zone_reset_frequency), and init.c fixup_options'
 * checks and defaults for them. {@link JobTranslator} hands each of these options here.
 */
final class ZoneOptions {
    /** The options this class reads. */
    static final java.util.Set<String> NAMES = java.util.Set.of("zonemode", "zonesize", "zonecapacity", "zonerange",
            "zoneskip", "read_beyond_wp", "max_open_zones", "job_max_open_zones", "ignore_zone_limits",
            "zone_reset_threshold", "zone_reset_frequency");

    /** Null while zonemode is not given (ZONE_MODE_NOT_SPECIFIED). */
    private ZoneSpec.Mode mode;
    private Origin modeOrigin;
    private long size;
    private Origin sizeOrigin;
    private long capacity;
    private long range;
    private long skip;
    private int skipZones;
    private boolean readBeyondWp;
    private int maxOpen;
    private int jobMaxOpen;
    private boolean ignoreLimits;
    private double threshold;
    private double frequency;

    /** One option's value (a malformed one throws IllegalArgumentException, which the caller places). */
    void set(String opt, String v, int kbBase, Origin at) {
        switch (opt) {
            case "zonemode" -> {
                mode = switch (v.strip()) {
                    case "none" -> ZoneSpec.Mode.NONE;
                    case "strided" -> ZoneSpec.Mode.STRIDED;
                    case "zbd" -> ZoneSpec.Mode.ZBD;
                    default -> throw new IllegalArgumentException("expected none, strided or zbd, got '" + v + "'");
                };
                modeOrigin = at;
            }
            case "zonesize" -> {
                size = FioValues.size(v, kbBase);
                sizeOrigin = at;
            }
            case "zonecapacity" -> capacity = FioValues.size(v, kbBase);
            case "zonerange" -> range = FioValues.size(v, kbBase);
            case "zoneskip" -> {
                // FIO_OPT_STR_VAL_ZONE: "Nz" is N zones, resolved once the zone size is known.
                String t = v.strip();
                if (t.length() > 1 && (t.endsWith("z") || t.endsWith("Z"))) {
                    skipZones = (int) FioValues.integer(t.substring(0, t.length() - 1));
                    skip = 0;
                } else {
                    skip = FioValues.size(t, kbBase);
                    skipZones = 0;
                }
            }
            case "read_beyond_wp" -> readBeyondWp = FioValues.bool(v);
            case "max_open_zones" -> maxOpen = bounded(v, kbBase);
            case "job_max_open_zones" -> jobMaxOpen = bounded(v, kbBase);
            case "ignore_zone_limits" -> ignoreLimits = FioValues.bool(v);
            case "zone_reset_threshold" -> threshold = fraction(v);
            case "zone_reset_frequency" -> frequency = fraction(v);
            default -> throw new IllegalStateException("not a zone option: " + opt);
        }
    }

    private static int bounded(String v, int kbBase) {
        long n = FioValues.intWithSuffix(v, kbBase);
        if (n < 0 || n > ZoneSpec.ZBD_MAX_OPEN_ZONES) {
            throw new IllegalArgumentException("expected a number of zones from 0 to " + ZoneSpec.ZBD_MAX_OPEN_ZONES
                    + ", got " + n);
        }
        return (int) n;
    }

    /** FIO_OPT_FLOAT_LIST with minfp 0, maxfp 1, maxlen 1. */
    private static double fraction(String v) {
        String first = v.split("[:,]", 2)[0];
        double d = FioValues.real(first);
        if (!(d >= 0 && d <= 1)) {
            throw new IllegalArgumentException("expected a number from 0 to 1, got " + first);
        }
        return d;
    }

    /**
     * init.c fixup_options for the zone options: the incompatibilities fio refuses, then the
     * mode when none was given, strided's fallbacks.
     *
     * @param createSerialize create_serialize (zbd needs it: fio reads the zones before forking)
     * @param openFiles       openfiles (strided works with one open file only)
     * @param jobAt           where the job starts, for the errors of options it did not write
     */
    ZoneSpec build(boolean createSerialize, int openFiles, Origin jobAt) {
        if (mode == ZoneSpec.Mode.NONE && size > 0) {
            throw ConfigException.at(modeOrigin, "zonemode=none and zonesize are not compatible (fio: --zonemode=none"
                    + " and --zonesize are not compatible)");
        }
        if (mode == ZoneSpec.Mode.ZBD && !createSerialize) {
            throw ConfigException.at(modeOrigin, "zonemode=zbd and create_serialize=0 are not compatible");
        }
        if (mode == ZoneSpec.Mode.STRIDED && size == 0) {
            throw ConfigException.at(modeOrigin, "zonesize must be specified when using zonemode=strided");
        }
        ZoneSpec.Mode m = mode != null ? mode : size > 0 ? ZoneSpec.Mode.STRIDED : ZoneSpec.Mode.NONE;
        if (m == ZoneSpec.Mode.STRIDED && openFiles > 1) {
            m = ZoneSpec.Mode.NONE;
        }
        long r = m == ZoneSpec.Mode.STRIDED && range == 0 ? size : range;
        if (m == ZoneSpec.Mode.NONE) {
            return ZoneSpec.NONE;
        }
        return new ZoneSpec(m, size, capacity, r, skip, skipZones, readBeyondWp, maxOpen, jobMaxOpen, ignoreLimits,
                threshold, frequency);
    }

    /** Where zonesize was written, or null. */
    Origin sizeOrigin() {
        return sizeOrigin;
    }
}
