package io.stacksim.fs;

import io.stacksim.block.BlockTarget;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.engine.RandomStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Files on one block device: a name space and an allocator. Files are placed contiguously by
 * default (as ext4's delayed allocation does for a file written once); a fragmentation
 * setting splits each new file into extents scattered over the free space, for aging
 * experiments. No journal is modelled: metadata writes are not simulated.
 *
 * <p>Config section {@code fs}: {@code block_size} (4096), {@code extents_per_file} (1 =
 * contiguous), {@code first_sector} (where allocation starts; 2048 = a 1 MiB-aligned first
 * partition).
 */
public final class FileSystem {
    private final BlockTarget bdev;
    private final int blockSize;
    private final int extentsPerFile;
    private final long firstSector;
    private final RandomStream random;
    private final long commitIntervalNs;
    private final boolean barrier;
    private long nextFreeSector;
    private final Map<String, SimFile> files = new LinkedHashMap<>();
    private int nextIno = 12;
    /** The journal (fs.type ext4), or null: no metadata is logged. */
    private MetadataJournal journal;
    /** Inodes marked dirty by the VFS (ext4_dirty_inode calls). */
    long inodesDirtied;
    /** The machine's other block devices by name (for /dev/NAME). */
    private final Map<String, BlockTarget> devices = new LinkedHashMap<>();

    static final Tunable<Long> BLOCK_SIZE = Tunable.size("block_size", 4096, 512, 65536)
            .help("file-system block size, a power of two");
    static final Tunable<Integer> EXTENTS_PER_FILE = Tunable.integer("extents_per_file", 1, 1, 1 << 20)
            .help("1 = contiguous files; more = each new file in that many extents with gaps (aging)");
    static final Tunable<Long> FIRST_SECTOR = Tunable.longInteger("first_sector", 2048, 0, Long.MAX_VALUE)
            .help("where allocation starts (2048 = a 1 MiB-aligned first partition)");

    /** The device the file system is on; read by the machine that builds it. */
    public static final Tunable<String> DEVICE = Tunable.text("device", null)
            .shownDefault("the top of the stack: the last md or dm device, else the first disk")
            .range("a device name of the stack").help("the block device the file system is made on");

    /** The {@code fs} section's tunables. */
    public static final ConfigSection SECTION = ConfigSection.of("fs", "File system (`fs`)",
            BLOCK_SIZE, EXTENTS_PER_FILE, FIRST_SECTOR, DEVICE, io.stacksim.fs.jbd2.Journal.COMMIT,
            io.stacksim.fs.jbd2.Journal.BARRIER);

    public FileSystem(BlockTarget bdev, ConfigNode fs, RandomStream random) {
        this.bdev = bdev;
        this.blockSize = (int) (long) BLOCK_SIZE.read(fs);
        if (Integer.bitCount(blockSize) != 1) {
            throw BLOCK_SIZE.error(fs, "must be a power of two");
        }
        this.extentsPerFile = EXTENTS_PER_FILE.read(fs);
        this.firstSector = FIRST_SECTOR.read(fs);
        this.random = random;
        this.nextFreeSector = firstSector;
        this.commitIntervalNs = io.stacksim.fs.jbd2.Journal.COMMIT.read(fs);
        this.barrier = io.stacksim.fs.jbd2.Journal.BARRIER.read(fs);
    }

    /** ext4's barrier mount option: the journal's commits and fsyncs flush the device cache. */
    public boolean barrier() {
        return barrier;
    }

    /** ext4's commit= interval of the journal, ns. */
    public long commitIntervalNs() {
        return commitIntervalNs;
    }

    /**
     * Where mkfs put the journal (the journal inode's blocks), or null for a file system
     * without one; the kernel side builds the journal there and installs it with {@link #setJournal}.
     */
    public JournalArea journalArea() {
        return null;
    }

    /** Installs the journal metadata changes go through. */
    public void setJournal(MetadataJournal journal) {
        this.journal = journal;
    }

    /** The journal, or null. */
    public MetadataJournal journal() {
        return journal;
    }

    /**
     * ext4_dirty_inode (super_operations->dirty_inode for I_DIRTY_SYNC): the in-core inode
     * changed (timestamps); with a journal its table block is logged in the running transaction
     * and i_sync_tid set. No inode table is laid out here (ext4's layout supplies it), so
     * without one only the call is counted.
     */
    public void dirtyInode(SimFile f) {
        inodesDirtied++;
    }

    /** ->dirty_inode calls so far (time updates). */
    public long inodesDirtied() {
        return inodesDirtied;
    }

    /** The block device the files live on. */
    public BlockTarget bdev() {
        return bdev;
    }

    public int blockSize() {
        return blockSize;
    }

    /** The device's logical block size: the O_DIRECT alignment. */
    public int logicalBlockSize() {
        return bdev.limits().logicalBlockSize();
    }

    public SimFile lookup(String name) {
        return files.get(name);
    }

    /** The whole device the files are on, as a file (/dev/NAME). */
    public SimFile blockDevice() {
        return blockDevice(bdev);
    }

    /** The whole of {@code target} as a file (/dev/NAME, the device node's inode). */
    private SimFile blockDevice(BlockTarget target) {
        return files.computeIfAbsent("/dev/" + target.name(), n -> {
            long bytes = target.capacityBytes();
            return new SimFile(nextIno++, n, bytes, List.of(new Extent(0, 0, bytes)), true, target);
        });
    }

    /**
     * Makes {@code target} reachable as /dev/NAME beside the file system's own device (the
     * other disks, md and dm devices of a stack of several).
     */
    public void addDevice(BlockTarget target) {
        if (target != bdev && devices.putIfAbsent(target.name(), target) != null) {
            throw new IllegalArgumentException("two devices called " + target.name());
        }
    }

    /** Every block device of the machine, the file system's first. */
    public List<BlockTarget> devices() {
        List<BlockTarget> all = new ArrayList<>();
        all.add(bdev);
        all.addAll(devices.values());
        return all;
    }

    /**
     * The device node {@code path} (/dev/NAME): the device of that name. On a machine with one
     * device every /dev path names it; with several, an unknown name is an error listing them.
     */
    public SimFile blockDevice(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (devices.isEmpty() || name.equals(bdev.name())) {
            return blockDevice();
        }
        BlockTarget t = devices.get(name);
        if (t == null) {
            List<String> names = new ArrayList<>();
            for (BlockTarget d : devices()) {
                names.add("/dev/" + d.name());
            }
            throw new IllegalArgumentException("no device " + path + " (the machine has " + String.join(", ", names) + ")");
        }
        return blockDevice(t);
    }

    /**
     * Creates a file of {@code size} bytes (rounded up to whole blocks of allocation), laid out
     * contiguously or in {@code extents_per_file} pieces with random gaps between them.
     */
    public SimFile create(String name, long size) {
        if (files.containsKey(name)) {
            throw new IllegalArgumentException("file exists: " + name);
        }
        long alloc = Math.max(blockSize, (size + blockSize - 1) / blockSize * blockSize);
        long blocks = alloc / blockSize;
        int pieces = (int) Math.min(extentsPerFile, blocks);
        List<Extent> extents = new ArrayList<>(pieces);
        long capacity = bdev.capacitySectors();
        long fileOff = 0;
        for (int i = 0; i < pieces; i++) {
            long pieceBlocks = blocks / pieces + (i < blocks % pieces ? 1 : 0);
            long bytes = pieceBlocks * blockSize;
            if (i > 0 && pieces > 1) {
                // A gap of up to one piece between fragments, as free-space holes left by aging.
                nextFreeSector += random.nextLong(Math.max(1, bytes / blockSize)) * (blockSize / 512);
            }
            long sector = nextFreeSector;
            if (sector + (bytes >> 9) > capacity) {
                throw new IllegalArgumentException("no space for " + name + " (" + size + " bytes) on "
                        + bdev.name());
            }
            extents.add(new Extent(fileOff, sector, bytes));
            nextFreeSector += bytes >> 9;
            fileOff += bytes;
        }
        SimFile f = new SimFile(nextIno++, name, size, extents, false, bdev);
        files.put(name, f);
        if (journal != null) {
            journal.committedBeforeRun(); // a laid-out file is written and synced before the run
        }
        return f;
    }
}
