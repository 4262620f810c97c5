package io.stacksim.devices.md;

/**
 * What an array knows of its members: the chunk, and each member's data offset and the sectors
 * it has for data from there (rdev->data_offset, rdev->sectors).
 */
record MdGeometry(int chunkSectors, long[] dataOffset, long[] memberSectors) {
    /** The smallest member's data sectors rounded down to whole chunks (the size of one member's share). */
    long smallestMemberSectors() {
        long m = Long.MAX_VALUE;
        for (long s : memberSectors) {
            m = Math.min(m, s);
        }
        return chunkSectors > 0 ? m - m % chunkSectors : m;
    }
}
