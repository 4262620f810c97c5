package io.stacksim.workload;

import io.stacksim.fs.SimFile;
import java.util.HashMap;
import java.util.Map;

/**
 * The zone information of a run's files under {@code zonemode=zbd}, one per file name and
 * shared by every job naming it (zbd.c zbd_init_zone_info: a job finds another job's
 * {@code zbd_info} for the same file name and takes a reference instead of reading the zones
 * again). One per run: the jobs of later stonewall groups see the write pointers the earlier
 * ones left.
 */
public final class ZonedFiles {
    private final Map<String, ZbdInfo> byName = new HashMap<>();

    /** The zone info of {@code name}, created from {@code file} ({@code size} bytes to fio) by the first job asking. */
    ZbdInfo get(String name, SimFile file, long size, ZoneSpec z) {
        ZbdInfo info = byName.get(name);
        if (info == null) {
            info = ZbdInfo.create(name, file, size, z);
            byName.put(name, info);
        }
        return info;
    }
}
