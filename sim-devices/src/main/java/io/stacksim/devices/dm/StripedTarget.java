package io.stacksim.devices.dm;

/**
 * The {@code striped} target (drivers/md/dm-stripe.c): {@code <#stripes> <chunk sectors>
 * <dev> <offset> ...}; chunk {@code c} of the line is on stripe {@code c mod #stripes}, as
 * that stripe's chunk {@code c / #stripes} (stripe_map_sector). Bios are split at chunk
 * boundaries (max_io_len is the chunk).
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
}
