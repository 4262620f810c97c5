package io.stacksim.devices.dm;

/**
 * The {@code striped} target (drivers/md/dm-stripe.c): {@code <#stripes> <chunk sectors>
 * <dev> <offset> ...}; chunk {@code c} of the line is on stripe {@code c mod #stripes}, as
 * that stripe's chunk {@code c / #stripes} (stripe_map_sector). Bios are split at chunk
 * boundaries (max_io_len is the chunk), except discards: dm sends one clone per stripe
 * (num_discard_bios) over the whole range and stripe_map_range gives each stripe its share.
 */
record StripedTarget(long begin, long len, int chunkSectors, int[] devices, long[] starts) implements DmTarget {
    @Override
    public long maxIoLen() {
        return chunkSectors;
    }

    @Override
    public Place map(long sector) {
        long offset = sector - begin;
        long chunk = offset / chunkSectors;
        long inChunk = offset % chunkSectors;
        int stripe = (int) (chunk % devices.length);
        chunk /= devices.length;
        return new Place(devices[stripe], starts[stripe] + chunk * chunkSectors + inChunk);
    }

    /**
     * stripe_map_range_sector: where {@code sector} (of the mapped device) falls on stripe
     * {@code target}, as an offset on it: the sector itself if it is on that stripe, else the
     * start of its chunk row on the stripe, one chunk on for a stripe before the sector's.
     */
    long rangeSector(long sector, int target) {
        long offset = sector - begin;
        long chunk = offset / chunkSectors;
        long inChunk = offset % chunkSectors;
        int stripe = (int) (chunk % devices.length);
        long result = chunk / devices.length * chunkSectors + inChunk;
        if (stripe == target) {
            return result;
        }
        result -= result % chunkSectors;
        if (target < stripe) {
            result += chunkSectors;
        }
        return result;
    }
}
