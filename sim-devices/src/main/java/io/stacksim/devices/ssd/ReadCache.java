package io.stacksim.devices.ssd;

import java.util.Arrays;

/**
 * The controller DRAM that holds data read ahead of a sequential stream: direct-mapped by
 * logical unit, a unit per slot. A host read of a held unit is served from DRAM, with no NAND
 * access; a host write or trim of the unit drops it.
 */
final class ReadCache {
    private final int[] tag;

    ReadCache(int units) {
        this.tag = new int[Math.max(1, units)];
        Arrays.fill(tag, -1);
    }

    boolean holds(int lpn) {
        return tag[lpn % tag.length] == lpn;
    }

    void put(int lpn) {
        tag[lpn % tag.length] = lpn;
    }

    void drop(int lpn) {
        int i = lpn % tag.length;
        if (tag[i] == lpn) {
            tag[i] = -1;
        }
    }
}
