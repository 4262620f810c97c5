package io.stacksim.block;

import java.util.Arrays;

/**
 * --check's stand-in for the data a bio carries: one version number per 4 KiB block of the
 * top-level bio (the one the file system, direct I/O or the page cache submitted). A write's
 * versions say which write of each block it carries; a read's are filled in by the device queue
 * that serves it with what that device holds. Split pieces and a stacked driver's member bios
 * share their parent's shadow, each at its own offset ({@link Bio#shadowOffset}), so a version
 * reaches every copy an md or dm device makes. Versions are numbered from 1 in the order writes
 * are issued; 0 is a block never written in the run, {@link #UNKNOWN} one whose content is not
 * tracked (a write of part of a block, RAID-5's parity-computed member writes).
 */
public final class DataShadow {
    /** A block whose content --check does not know: no rule is checked against it. */
    public static final long UNKNOWN = -1;
    /** Sectors per tracked block (4 KiB). */
    public static final int BLOCK_SECTORS = 8;

    /** First sector of the top-level bio. */
    public final long sector;
    /** One version per 4 KiB block the top-level bio touches, from the block holding {@link #sector}. */
    public final long[] versions;

    private DataShadow(long sector, long[] versions) {
        this.sector = sector;
        this.versions = versions;
    }

    /** The number of 4 KiB blocks [sector, sector + nrSectors) touches. */
    public static int blocks(long sector, int nrSectors) {
        return (int) (((sector + Math.max(1, nrSectors) - 1) >> 3) - (sector >> 3) + 1);
    }

    /** The shadow of a write of {@code versions} (one per block, from the block holding sector). */
    public static DataShadow write(long sector, long[] versions) {
        return new DataShadow(sector, versions);
    }

    /** The shadow of a read of [sector, sector + nrSectors): every block unknown until a device fills it. */
    public static DataShadow read(long sector, int nrSectors) {
        long[] v = new long[blocks(sector, nrSectors)];
        Arrays.fill(v, UNKNOWN);
        return new DataShadow(sector, v);
    }

    /** Attaches this shadow to the top-level {@code bio}. */
    public Bio attach(Bio bio) {
        bio.shadow = this;
        bio.shadowOffset = 0;
        return bio;
    }

    /** The version of block {@code i} (0 = the block holding {@link #sector}). */
    public long version(int i) {
        return versions[i];
    }

    /** Gives {@code child} (sectors [from, ...) of {@code parent}'s range, in parent's sectors) parent's shadow. */
    public static void inherit(Bio parent, Bio child, long from) {
        if (parent.shadow != null) {
            child.shadow = parent.shadow;
            child.shadowOffset = parent.shadowOffset + (int) (from - parent.sector);
        }
    }
}
