package io.stacksim.workload;

/**
 * fio's zone options (HOWTO "zonemode" and below; thread_options.h), after init.c
 * fixup_options: zonemode not given becomes strided when zonesize is, else none; strided with
 * openfiles above 1 is none; strided's zonerange defaults to zonesize.
 *
 * @param mode             zonemode
 * @param size             zonesize in bytes (0: for zbd, the device's zone size)
 * @param capacity         zonecapacity (zbd over a regular file or device only; 0 = the zone size)
 * @param range            zonerange (strided)
 * @param skip             zoneskip in bytes
 * @param skipZones        zoneskip given as a number of zones ({@code Nz}, fio's zone_skip_nz), else 0
 * @param readBeyondWp     read_beyond_wp
 * @param maxOpenZones     max_open_zones (0 = the device's limit, or none)
 * @param jobMaxOpenZones  job_max_open_zones (0 = none)
 * @param ignoreZoneLimits ignore_zone_limits
 * @param resetThreshold   zone_reset_threshold, 0 to 1
 * @param resetFrequency   zone_reset_frequency, 0 to 1 (0 = no periodic reset)
 */
public record ZoneSpec(Mode mode, long size, long capacity, long range, long skip, int skipZones, boolean readBeyondWp,
                       int maxOpenZones, int jobMaxOpenZones, boolean ignoreZoneLimits, double resetThreshold,
                       double resetFrequency) {
    /** fio's enum fio_zone_mode. */
    public enum Mode {
        /** ZONE_MODE_NONE. */
        NONE,
        /** ZONE_MODE_STRIDED: I/O in one zone of zonerange bytes until zonesize bytes moved, then zoneskip on. */
        STRIDED,
        /** ZONE_MODE_ZBD: zoned block device rules (fio's zbd.c). */
        ZBD
    }

    /** No zone option given. */
    public static final ZoneSpec NONE = new ZoneSpec(Mode.NONE, 0, 0, 0, 0, 0, false, 0, 0, false, 0, 0);

    /** zbd.h ZBD_MAX_OPEN_ZONES: fio's own bound on max_open_zones. */
    public static final int ZBD_MAX_OPEN_ZONES = 4096;
}
