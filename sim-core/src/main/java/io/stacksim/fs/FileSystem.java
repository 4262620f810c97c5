package io.stacksim.fs;

import io.stacksim.block.BlockTarget;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.engine.RandomStream;
import io.stacksim.fs.ext4.Ext4;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Files on one block device: a name space and an allocator. With {@code type: ext4} (the
 * default) the device holds an ext4 file system as mkfs.ext4 makes it ({@link Ext4}): blocks
 * are chosen during the run - at writeback for buffered writes (delayed allocation), at
 * fallocate or direct-write time otherwise - and every operation dirties the metadata blocks
 * ext4 would, for the journal and the buffer cache. With {@code type: raw} there is no file
 * system: each file created with a size is one contiguous run (or {@code extents_per_file}
 * pieces with gaps) placed one after another, and nothing else is written.
 *
 * <p>Either way a file can be created empty, extended, truncated, fallocated, punched, stat'ed
 * and unlinked during the run ({@link #create(String)}, {@link #truncate}, {@link #fallocate},
 * {@link #stat}, {@link #unlink}). A file laid out before the run ({@link #create(String, long)})
 * is allocated as if written and synced, in {@code extents_per_file} pieces with random gaps
 * when that is above 1 (an aged file system).
 *
 * <p>Config section {@code fs}: {@code type}, {@code block_size} (4096), {@code
 * extents_per_file} (1 = contiguous), {@code first_sector} (where the file system or the raw
 * allocation starts; 2048 = a 1 MiB-aligned first partition).
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
    /** The ext4 file system, or null for {@code type: raw}. */
    private final Ext4 ext4;
    /** Device-node inode numbers when ext4 numbers the files (kept clear of ext4's). */
    private int nextDevIno = 1 << 30;
    private final RawMapper rawMapper;
    /** The journal (fs.type ext4), or null: no metadata is logged. */
    private MetadataJournal journal;
    /** Inodes marked dirty by the VFS (ext4_dirty_inode calls). */
    long inodesDirtied;
    /** The machine's other block devices by name (for /dev/NAME). */
    private final Map<String, BlockTarget> devices = new LinkedHashMap<>();
    /** {@link #devices()}, made once they are all added. */
    private List<BlockTarget> allDevices;

    /** fs.type: the file system on the device. */
    public static final Tunable<String> TYPE = Tunable.choice("type", "ext4", List.of("ext4", "raw"))
            .help("`ext4`: mkfs.ext4's layout, delayed allocation with mballoc, metadata for the journal; "
                    + "`raw`: no file system, files mapped straight onto the device (block-level studies)");
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

    /** The directory hash seed mkfs.ext4 wrote (s_hash_seed). */
    static final Tunable<String> HASH_SEED = Tunable.text("hash_seed", null)
            .shownDefault("all zero (the kernel's default seed)")
            .range("a UUID, as dumpe2fs prints Directory Hash Seed")
            .help("ext4's s_hash_seed: where names fall in an indexed (htree) directory, so when its leaves split");

    /** The {@code fs} section's tunables. */
    public static final ConfigSection SECTION = ConfigSection.of("fs", "File system (`fs`)",
            TYPE, BLOCK_SIZE, EXTENTS_PER_FILE, FIRST_SECTOR, DEVICE, io.stacksim.fs.jbd2.Journal.COMMIT,
            io.stacksim.fs.jbd2.Journal.BARRIER, HASH_SEED);

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
        this.commitIntervalNs = io.stacksim.fs.jbd2.Journal.commitInterval(fs);
        if (firstSector >= bdev.capacitySectors()) {
            throw FIRST_SECTOR.error(fs, firstSector + " is at or beyond the end of " + bdev.name() + " ("
                    + bdev.capacitySectors() + " sectors); expected a sector inside the device");
        }
        this.barrier = io.stacksim.fs.jbd2.Journal.BARRIER.read(fs);
        if (TYPE.read(fs).equals("ext4")) {
            if (blockSize != 4096) {
                throw BLOCK_SIZE.error(fs, "ext4 is made here with 4096-byte blocks (mkfs.ext4's default from 512 MiB)");
            }
            long bytes = (bdev.capacitySectors() - firstSector) << 9;
            String seedText = HASH_SEED.read(fs);
            int[] seed = new int[4];
            if (seedText != null) {
                try {
                    seed = Ext4.hashSeed(seedText);
                } catch (IllegalArgumentException e) {
                    throw HASH_SEED.error(fs, "expected a UUID such as f1835520-c789-4404-8f46-0156efa6ab3d");
                }
            }
            try {
                this.ext4 = new Ext4(bytes, firstSector << 9, blockSize, seed);
            } catch (IllegalArgumentException e) {
                throw FIRST_SECTOR.error(fs, e.getMessage());
            }
            this.rawMapper = null;
        } else {
            this.ext4 = null;
            this.rawMapper = new RawMapper();
        }
    }

    /** The ext4 file system, or null when {@code fs.type} is raw. */
    public Ext4 ext4() {
        return ext4;
    }


    /** Installs the buffer cache ext4 reads and dirties its metadata blocks in. */
    public void setBuffers(MetadataBuffers buffers) {
        if (ext4 != null) {
            ext4.setBuffers(buffers);
        }
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
        if (ext4 == null) {
            return null;
        }
        long first = ext4.journalStart();
        return new JournalArea(first, ext4.layout().journalBlocks(), blockSize, ext4.deviceByte(first) >> 9);
    }

    /** Installs the journal metadata changes go through. */
    public void setJournal(MetadataJournal journal) {
        this.journal = journal;
        if (ext4 != null) {
            ext4.setJournal(journal);
        }
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
        if (ext4 != null && !f.isBlockDevice()) {
            ext4.dirtyInode(f);
        }
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
        return files.get(path(name));
    }

    /**
     * The free space statfs reports (f_bfree x f_bsize): ext4's free blocks, or on raw the
     * device after the last file laid out (raw never reuses space).
     */
    public long freeBytes() {
        if (ext4 != null) {
            return ext4.freeBlocks() * blockSize;
        }
        return Math.max(0, bdev.capacitySectors() - nextFreeSector) * 512;
    }

    /** The path as the VFS walks it: repeated slashes are one (fio's directory=/ gives "//name"). */
    private static String path(String name) {
        return name.indexOf("//") < 0 ? name : name.replaceAll("/{2,}", "/");
    }

    /** The whole device the files are on, as a file (/dev/NAME). */
    public SimFile blockDevice() {
        return blockDevice(bdev);
    }

    /** The whole of {@code target} as a file (/dev/NAME, the device node's inode). */
    private SimFile blockDevice(BlockTarget target) {
        return files.computeIfAbsent("/dev/" + target.name(), n -> {
            long bytes = target.capacityBytes();
            int ino = ext4 != null ? nextDevIno++ : nextIno++;
            return new SimFile(ino, n, bytes, List.of(new Extent(0, 0, bytes)), true, target);
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
        allDevices = null;
    }

    /** Every block device of the machine, the file system's first (read by every io_submit). */
    public List<BlockTarget> devices() {
        List<BlockTarget> all = allDevices;
        if (all == null) {
            List<BlockTarget> l = new ArrayList<>();
            l.add(bdev);
            l.addAll(devices.values());
            all = allDevices = List.copyOf(l);
        }
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
            t = charDeviceTarget(name);
        }
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
     * The disk behind a passthrough character device node: /dev/sgN is the N-th SCSI disk (the sg
     * driver numbers them in probe order, the order of the machine's devices here), /dev/ngXnY
     * the NVMe namespace nvmeXnY (its generic device, drivers/nvme/host/core.c nvme_add_ns_cdev);
     * null when {@code name} is neither or names no such disk.
     */
    private BlockTarget charDeviceTarget(String name) {
        if (name.matches("sg\\d+")) {
            int n = Integer.parseInt(name.substring(2));
            for (BlockTarget d : devices()) {
                if (d.transport().scsi() && n-- == 0) {
                    return d;
                }
            }
        } else if (name.matches("ng\\d+n\\d+")) {
            return name.equals("ng" + bdev.name().substring(Math.min(4, bdev.name().length())))
                    && bdev.name().startsWith("nvme") ? bdev : devices.get("nvme" + name.substring(2));
        }
        return null;
    }

    /**
     * Creates a file of {@code size} bytes (rounded up to whole blocks of allocation), laid out
     * contiguously or in {@code extents_per_file} pieces with random gaps between them, as if
     * written and synced before the run.
     */
    public SimFile create(String path, long size) {
        String name = path(path);
        if (files.containsKey(name)) {
            throw new IllegalArgumentException("file exists: " + name);
        }
        if (ext4 != null) {
            SimFile f;
            try {
                f = ext4.createBeforeRun(name, ino -> SimFile.created((int) ino, name, bdev));
                if (extentsPerFile > 1) {
                    ext4.layOutAged(f, size, extentsPerFile, random);
                } else {
                    ext4.layOut(f, size);
                }
            } catch (FsException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
            files.put(name, f);
            if (journal != null) {
                journal.committedBeforeRun(); // written and synced before the run, as on raw below
            }
            return f;
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

    /**
     * open(O_CREAT) of a missing file: an empty file (ext4_create: an inode and a directory
     * entry). Throws {@link FsException} with EEXIST or ENOSPC.
     */
    public SimFile create(String path) {
        String name = path(path);
        if (files.containsKey(name)) {
            throw new FsException(Errno.EEXIST, "file exists: " + name);
        }
        SimFile f;
        if (ext4 != null) {
            f = ext4.create(name, ino -> SimFile.created((int) ino, name, bdev));
        } else {
            f = new SimFile(nextIno++, name, 0, List.of(), false, bdev);
            f.attach(rawMapper, null);
        }
        files.put(name, f);
        return f;
    }

    /** unlink(2): 0, or -ENOENT. The blocks go back to the free space (ext4). */
    public int unlink(String path) {
        String name = path(path);
        SimFile f = files.get(name);
        if (f == null || f.isBlockDevice()) {
            return -Errno.ENOENT;
        }
        if (ext4 != null) {
            int r = ext4.unlink(name);
            if (r < 0) {
                return r;
            }
        } else {
            f.resize(0);
        }
        files.remove(name);
        return 0;
    }

    /** ftruncate(2): 0 or -errno. Shrinking frees blocks; the caller drops the page cache past the end. */
    public int truncate(SimFile f, long size) {
        if (f.isBlockDevice()) {
            return -Errno.EINVAL;
        }
        if (ext4 != null) {
            return ext4.truncate(f, size);
        }
        return rawMapper.truncate(f, size);
    }

    /** FALLOC_FL_KEEP_SIZE. */
    public static final int FALLOC_FL_KEEP_SIZE = Ext4.FALLOC_FL_KEEP_SIZE;
    /** FALLOC_FL_PUNCH_HOLE (must come with KEEP_SIZE). */
    public static final int FALLOC_FL_PUNCH_HOLE = Ext4.FALLOC_FL_PUNCH_HOLE;
    /** FALLOC_FL_ZERO_RANGE. */
    public static final int FALLOC_FL_ZERO_RANGE = Ext4.FALLOC_FL_ZERO_RANGE;

    /** fallocate(2): 0 or -errno (EOPNOTSUPP for a mode the file system lacks, ENOSPC). */
    public int fallocate(SimFile f, int mode, long offset, long len) {
        if (f.isBlockDevice()) {
            return -Errno.EOPNOTSUPP;
        }
        if (ext4 != null) {
            return ext4.fallocate(f, mode, offset, len);
        }
        return rawMapper.fallocate(f, mode, offset, len);
    }

    /** The kernel CPU time of the last {@link #fallocate} (ext4's work; none on raw). */
    public long lastFallocateNs() {
        return ext4 != null ? ext4.lastFallocateNs() : 0;
    }

    /** stat(2), with the extent counts of FIEMAP and filefrag. */
    public FileStat stat(SimFile f) {
        if (ext4 != null && !f.isBlockDevice()) {
            return ext4.stat(f);
        }
        long mapped = 0;
        int frags = 0;
        Extent prev = null;
        for (Extent e : f.extents()) {
            mapped += e.length();
            // filefrag: a new extent only where the mapping does not continue the previous one
            // (densely, or across a hole at the same distance).
            if (prev == null || (e.sector() != prev.sector() + (prev.length() >> 9)
                    && e.sector() != prev.sector() + ((e.fileOffset() - prev.fileOffset()) >> 9))) {
                frags++;
            }
            prev = e;
        }
        return new FileStat(f.ino(), f.size(), mapped >> 9, f.extents().size(), frags);
    }

    /** The extents of the file's extent tree (what FIEMAP lists). */
    public int extentCount(SimFile f) {
        return stat(f).extents();
    }

    /** What {@code filefrag} prints for the file: physically contiguous extents counted once. */
    public int filefragCount(SimFile f) {
        return stat(f).filefrag();
    }

    /** open(2) of {@code f}; {@code write}: opened for writing. */
    public void opened(SimFile f, boolean write) {
        if (ext4 != null && !f.isBlockDevice()) {
            ext4.opened(f, write);
        }
    }

    /** The last close of an open of {@code f} (ext4_release_file). */
    public void closed(SimFile f, boolean write) {
        if (ext4 != null && !f.isBlockDevice()) {
            ext4.closed(f, write);
        }
    }

    /**
     * The raw allocator for files created empty: blocks are taken from the bump pointer when a
     * write or fallocate first needs them, contiguously per request; nothing is ever reused
     * (no file system, so no free-space map).
     */
    private final class RawMapper implements BlockMapper {
        private void map(SimFile f, long offset, long len) {
            long end = (offset + len + blockSize - 1) / blockSize * blockSize;
            long pos = offset / blockSize * blockSize;
            List<Extent> list = new ArrayList<>(f.extents());
            boolean changed = false;
            while (pos < end) {
                Extent e = f.mappedAt(pos);
                if (e != null) {
                    pos = e.fileEnd();
                    continue;
                }
                long next = f.nextMapped(pos, end);
                long bytes = next - pos;
                if (nextFreeSector + (bytes >> 9) > bdev.capacitySectors()) {
                    throw new FsException(Errno.ENOSPC, "no space for " + f.name() + " on " + bdev.name());
                }
                list.add(new Extent(pos, nextFreeSector, bytes));
                nextFreeSector += bytes >> 9;
                list.sort(java.util.Comparator.comparingLong(Extent::fileOffset));
                f.remap(list);
                changed = true;
                pos = next;
            }
            if (changed) {
                f.remap(list);
            }
        }

        @Override
        public long[] mapForWriteback(SimFile f, long offset, long len) {
            map(f, offset, len);
            return null;
        }

        @Override
        public int prepareDirectWrite(SimFile f, long offset, long len) {
            try {
                map(f, offset, len);
            } catch (FsException e) {
                return -e.errno();
            }
            return 0;
        }

        @Override
        public void directWriteDone(SimFile f, long offset, long len) {
        }

        @Override
        public void sizeChanged(SimFile f, long oldSize, long newSize) {
        }

        int truncate(SimFile f, long size) {
            if (size < 0) {
                return -Errno.EINVAL;
            }
            if (f.mapper() == null) {
                if (size > f.allocated()) {
                    return -Errno.EFBIG;
                }
                f.resize(size);
                return 0;
            }
            List<Extent> list = new ArrayList<>();
            long keep = (size + blockSize - 1) / blockSize * blockSize;
            for (Extent e : f.extents()) {
                if (e.fileEnd() <= keep) {
                    list.add(e);
                } else if (e.fileOffset() < keep) {
                    list.add(new Extent(e.fileOffset(), e.sector(), keep - e.fileOffset()));
                }
            }
            f.remap(list);
            f.resize(size);
            return 0;
        }

        int fallocate(SimFile f, int mode, long offset, long len) {
            if (offset < 0 || len <= 0) {
                return -Errno.EINVAL;
            }
            if (f.mapper() == null || (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE)) != 0) {
                return -Errno.EOPNOTSUPP;
            }
            if ((mode & FALLOC_FL_PUNCH_HOLE) != 0) {
                if ((mode & FALLOC_FL_KEEP_SIZE) == 0) {
                    return -Errno.EOPNOTSUPP;
                }
                long from = (offset + blockSize - 1) / blockSize * blockSize;
                long to = (offset + len) / blockSize * blockSize;
                List<Extent> list = new ArrayList<>();
                for (Extent e : f.extents()) {
                    if (e.fileEnd() <= from || e.fileOffset() >= to) {
                        list.add(e);
                        continue;
                    }
                    if (e.fileOffset() < from) {
                        list.add(new Extent(e.fileOffset(), e.sector(), from - e.fileOffset()));
                    }
                    if (e.fileEnd() > to) {
                        list.add(new Extent(to, e.sector() + ((to - e.fileOffset()) >> 9), e.fileEnd() - to));
                    }
                }
                f.remap(list);
                return 0;
            }
            try {
                map(f, offset, len);
            } catch (FsException e) {
                return -e.errno();
            }
            if ((mode & FALLOC_FL_KEEP_SIZE) == 0 && offset + len > f.size()) {
                f.resize(offset + len);
            }
            return 0;
        }
    }
}
