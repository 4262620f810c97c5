package io.stacksim.devices.ssd;

/**
 * The organisation of an SSD's NAND array: channels, each with {@code chipsPerChannel}
 * packages (ways), each with dies (LUNs), each with planes of blocks of pages.
 *
 * <p>Dies are numbered channel-first (die k is on channel k mod C, way (k / C) mod W), the
 * CWDP order of MQSim and of most FTLs' striping, so consecutive program units land on
 * different channels first. The FTL maps {@code mappingUnit} bytes (4 KiB, the host's page)
 * per entry; a physical page holds {@code pageSize / mappingUnit} of them.
 *
 * @param channels        flash channels (independent buses)
 * @param chipsPerChannel packages sharing a channel (ways, chip enables)
 * @param diesPerChip     dies (LUNs) per package: the units that run NAND operations
 * @param planesPerDie    planes per die: multi-plane programs and erases work on all at once
 * @param blocksPerPlane  erase blocks per plane
 * @param pagesPerBlock   program pages per block (word lines x bits per cell)
 * @param pageSize        data bytes per page
 * @param spareSize       spare (out-of-band) bytes per page: ECC parity and metadata; they cross
 *                        the channel with the data
 * @param mappingUnit     bytes per FTL mapping entry
 */
public record FlashGeometry(int channels, int chipsPerChannel, int diesPerChip, int planesPerDie,
                            int blocksPerPlane, int pagesPerBlock, int pageSize, int spareSize,
                            int mappingUnit) {

    public FlashGeometry {
        if (channels < 1 || chipsPerChannel < 1 || diesPerChip < 1 || planesPerDie < 1 || blocksPerPlane < 4
                || pagesPerBlock < 1 || pageSize < 512 || spareSize < 0 || mappingUnit < 512
                || pageSize % mappingUnit != 0) {
            throw new IllegalArgumentException("impossible flash geometry: " + channels + " ch x " + chipsPerChannel
                    + " chips x " + diesPerChip + " dies x " + planesPerDie + " planes x " + blocksPerPlane
                    + " blocks x " + pagesPerBlock + " pages x " + pageSize + " B (mapping unit " + mappingUnit + ")");
        }
        if ((long) channels * chipsPerChannel * diesPerChip * planesPerDie * blocksPerPlane * pagesPerBlock
                * (pageSize / mappingUnit) >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException("flash array too large: more than 2^31 mapping units");
        }
    }

    public int dies() {
        return channels * chipsPerChannel * diesPerChip;
    }

    public int planes() {
        return dies() * planesPerDie;
    }

    public int blocks() {
        return planes() * blocksPerPlane;
    }

    public int unitsPerPage() {
        return pageSize / mappingUnit;
    }

    public int unitsPerBlock() {
        return pagesPerBlock * unitsPerPage();
    }

    /** Mapping units in one multi-plane program of a die: one page per plane. */
    public int unitsPerProgram() {
        return planesPerDie * unitsPerPage();
    }

    /** Physical mapping units in the whole array. */
    public int physicalUnits() {
        return blocks() * unitsPerBlock();
    }

    /** Raw data capacity of the array in bytes (spare area excluded). */
    public long rawBytes() {
        return (long) blocks() * pagesPerBlock * pageSize;
    }

    /** The channel die {@code die} sits on. */
    public int channelOf(int die) {
        return die % channels;
    }

    /** Bytes crossing the channel for {@code units} mapping units: data plus their share of spare. */
    public long channelBytes(int units) {
        return (long) units * mappingUnit + (long) units * spareSize / unitsPerPage();
    }
}
