package io.stacksim.workload;

import io.stacksim.device.DeviceCommand;
import io.stacksim.device.ScsiCdb;
import io.stacksim.fs.OpenFile;
import io.stacksim.os.Passthru;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * fio's sg engine (engines/sg.c): each unit becomes a SCSI command (fio_sgio_prep) passed to
 * the disk through SG_IO. On a block device (/dev/sdX, FIO_TYPE_BLOCK) every unit is one
 * ioctl(SG_IO) that returns when the command has ended (fio_sgio_ioctl_doio; type_check clears
 * commit and getevents, so the engine is synchronous); on the sg character device (/dev/sgN)
 * the unit's sg_io_hdr is written (fio_sgio_rw_doio) and, with direct=1 or sync=1
 * (sgio_unbuffered), read back at once, else queued and reaped by reading completed headers
 * (fio_sgio_getevents).
 *
 * <p>The command per unit: reads are READ(10), or READ(16) from LBA 2^32 on (MAX_10B_LBA);
 * writes follow sg_write_mode: {@code write} WRITE(10/16), {@code write_and_verify}
 * (deprecated {@code verify}) WRITE AND VERIFY(10/16) with BYTCHK 0, {@code write_same}
 * (deprecated {@code same}) WRITE SAME(10/16) with one block of data, {@code write_same_ndob}
 * WRITE SAME(16) with NDOB and no data, {@code write_stream} WRITE STREAM(16),
 * {@code verify_bytchk_00/01/11} VERIFY(10/16) with BYTCHK 00b (no data), 01b (the whole
 * buffer) or 11b (one block); syncs are SYNCHRONIZE CACHE(10/16). readfua and writefua set
 * the FUA bit of READ and WRITE. A transfer that is not a multiple of the device's logical
 * block size (BLKSSZGET) fails with EINVAL ("read/write not sector aligned"); a command the
 * device fails (SG_INFO_CHECK) with EIO.
 */
final class SgEngine implements Engine {
    static final IoEngineType TYPE = new IoEngineType("sg", true, true, (iodepth, direct) -> iodepth, SgEngine::new);

    /** fio's MAX_10B_LBA: LBAs from here on need the 16-byte CDBs. */
    static final long MAX_10B_LBA = 0xffffffffL;

    /** sg_write_mode (engines/sg.c FIO_SG_*). */
    enum WriteMode { WRITE, WRITE_AND_VERIFY, WRITE_SAME, WRITE_SAME_NDOB, WRITE_STREAM, VERIFY_BYTCHK_00,
        VERIFY_BYTCHK_01, VERIFY_BYTCHK_11 }

    private final JobRunner r;
    private final WriteMode mode;
    private final boolean readFua;
    private final boolean writeFua;
    private final long dataToken;
    /** /dev/sgN: written headers come back by read(2). */
    private Boolean charDevice;
    /** Units written to /dev/sgN and not yet read back. */
    private int queued;

    private SgEngine(JobRunner r) {
        this.r = r;
        Map<String, String> o = r.spec().control().engineOptions();
        this.mode = writeMode(o.getOrDefault("sg_write_mode", "write"));
        this.readFua = "1".equals(o.get("readfua"));
        this.writeFua = "1".equals(o.get("writefua"));
        this.dataToken = patternToken(r.spec().extras().bufferPattern());
    }

    /** options.c's sg_write_mode choices, the deprecated spellings included. */
    static WriteMode writeMode(String v) {
        return switch (v.strip()) {
            case "write" -> WriteMode.WRITE;
            case "write_and_verify", "verify" -> WriteMode.WRITE_AND_VERIFY;
            case "write_same", "same" -> WriteMode.WRITE_SAME;
            case "write_same_ndob" -> WriteMode.WRITE_SAME_NDOB;
            case "write_stream" -> WriteMode.WRITE_STREAM;
            case "verify_bytchk_00" -> WriteMode.VERIFY_BYTCHK_00;
            case "verify_bytchk_01" -> WriteMode.VERIFY_BYTCHK_01;
            case "verify_bytchk_11" -> WriteMode.VERIFY_BYTCHK_11;
            default -> throw new IllegalArgumentException("expected write, write_and_verify, verify, write_same, same,"
                    + " write_same_ndob, write_stream, verify_bytchk_00, verify_bytchk_01 or verify_bytchk_11, got '"
                    + v + "'");
        };
    }

    /**
     * What a write buffer holds: fio fills it with buffer_pattern (all zero bytes: zeroes), else
     * with random data no later command reproduces.
     */
    static long patternToken(String pattern) {
        if (pattern == null) {
            return DeviceCommand.UNKNOWN;
        }
        String p = pattern.strip();
        String norm;
        if (p.startsWith("0x") || p.startsWith("0X")) {
            norm = p.substring(2).toLowerCase(java.util.Locale.ROOT);
            if (norm.chars().allMatch(c -> c == '0')) {
                return DeviceCommand.ZEROES;
            }
        } else if (p.matches("\\d+")) {
            if (new java.math.BigInteger(p).signum() == 0) {
                return DeviceCommand.ZEROES;
            }
            norm = new java.math.BigInteger(p).toString(16);
        } else {
            norm = "s" + p;
        }
        return (norm.hashCode() & 0x7fffffffL) + 1;
    }

    /**
     * fio_sgio_prep: the CDB for unit {@code u} on a device of {@code bs}-byte logical blocks;
     * null when the transfer is not a whole number of blocks.
     */
    ScsiCdb cdb(IoUnit u, int bs) {
        return cdb(u.ddir, u.offset, u.length, bs, mode, readFua, writeFua, dataToken);
    }

    static ScsiCdb cdb(int ddir, long offset, long length, int bs, WriteMode mode, boolean readFua, boolean writeFua,
                       long token) {
        if (length % bs != 0) {
            return null;
        }
        long blocks = length / bs;
        long lba = offset / bs;
        boolean big = lba >= MAX_10B_LBA;
        if (ddir == JobStats.READ) {
            return new ScsiCdb(big ? ScsiCdb.READ_16 : ScsiCdb.READ_10, 0, lba, blocks, 0, false, readFua, length,
                    false, token);
        }
        if (ddir != JobStats.WRITE) {
            return new ScsiCdb(big ? ScsiCdb.SYNCHRONIZE_CACHE_16 : ScsiCdb.SYNCHRONIZE_CACHE_10, 0, 0, 0, 0, false,
                    false, 0, false, token);
        }
        return switch (mode) {
            case WRITE -> new ScsiCdb(big ? ScsiCdb.WRITE_16 : ScsiCdb.WRITE_10, 0, lba, blocks, 0, false, writeFua,
                    length, true, token);
            case WRITE_AND_VERIFY -> new ScsiCdb(big ? ScsiCdb.WRITE_VERIFY_16 : ScsiCdb.WRITE_VERIFY_10, 0, lba,
                    blocks, 0, false, false, length, true, token);
            case WRITE_SAME -> new ScsiCdb(big ? ScsiCdb.WRITE_SAME_16 : ScsiCdb.WRITE_SAME_10, 0, lba, blocks, 0,
                    false, false, bs, true, token);
            case WRITE_SAME_NDOB -> new ScsiCdb(ScsiCdb.WRITE_SAME_16, 0, lba, blocks, 0, true, false, 0, true,
                    DeviceCommand.ZEROES);
            case WRITE_STREAM -> new ScsiCdb(0x9a, 0, lba, blocks, 0, false, writeFua, length, true, token);
            case VERIFY_BYTCHK_00 -> new ScsiCdb(big ? ScsiCdb.VERIFY_16 : ScsiCdb.VERIFY_10, 0, lba, blocks, 0,
                    false, false, 0, true, token);
            case VERIFY_BYTCHK_01 -> new ScsiCdb(big ? ScsiCdb.VERIFY_16 : ScsiCdb.VERIFY_10, 0, lba, blocks, 1,
                    false, false, length, true, token);
            case VERIFY_BYTCHK_11 -> new ScsiCdb(big ? ScsiCdb.VERIFY_16 : ScsiCdb.VERIFY_10, 0, lba, blocks, 3,
                    false, false, bs, true, token);
        };
    }

    /** The sg character device node /dev/sgN, rather than the disk's block device. */
    static boolean isSgNode(String name) {
        return name.matches("/dev/sg\\d+");
    }

    @Override
    public void init(Runnable k) {
        k.run();
    }

    private boolean charDevice() {
        if (charDevice == null) {
            charDevice = isSgNode(r.fileName(0));
            if (charDevice && !r.open(0).file().bdev().transport().scsi()) {
                // No sg node exists for a disk that is not SCSI: the open fails.
                throw new JobRunner.JobError(r.spec(), "cannot open '" + r.fileName(0) + "': no such device (the"
                        + " machine's disk " + r.open(0).file().bdev().name() + " is not a SCSI disk; ioengine=sg"
                        + " needs a sata-ssd, hdd or smr profile)");
            }
        }
        return charDevice;
    }

    @Override
    public boolean hasCommit() {
        return charDevice();
    }

    /** sgio_unbuffered: direct=1 or sync=1 read each written header back at once. */
    private boolean unbuffered() {
        return r.spec().direct() || r.spec().sync().openMode() != 0;
    }

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        OpenFile f = r.open(u.file);
        int bs = f.file().bdev().limits().logicalBlockSize();
        ScsiCdb c = cdb(u, bs);
        Passthru p = r.kernel().passthru();
        if (c == null) {
            r.issued(u);
            u.result = -io.stacksim.fs.Errno.EINVAL; // fio_sgio_prep: "read/write not sector aligned"
            r.completed(u);
            status.accept(COMPLETED);
            return;
        }
        r.issued(u);
        if (!charDevice()) {
            p.sgIo(r.task(), f, c, res -> {
                result(u, res);
                r.completed(u);
                status.accept(COMPLETED);
            });
            return;
        }
        p.sgWrite(r.task(), f, c, u, ret -> {
            if (ret < 0) {
                u.result = ret;
                r.completed(u);
                status.accept(COMPLETED);
                return;
            }
            if (unbuffered() || u.isSync()) {
                readUntil(f, u, () -> status.accept(COMPLETED));
            } else {
                queued++;
                status.accept(QUEUED);
            }
        });
    }

    /**
     * fio_sgio_rw_doio's read loop: completed headers until this unit's; another unit's on the
     * way is completed there (io_u_sync_complete).
     */
    private void readUntil(OpenFile f, IoUnit u, Runnable k) {
        r.kernel().passthru().sgRead(r.task(), f, res -> {
            IoUnit done = (IoUnit) res.tag();
            result(done, res);
            if (done != u) {
                queued--;
                r.reaped(done);
                readUntil(f, u, k);
            } else {
                r.completed(u);
                k.run();
            }
        });
    }

    /** The unit's result from its command's: -errno, EIO for SG_INFO_CHECK, else its length. */
    private static void result(IoUnit u, Passthru.Result res) {
        u.lastBio = res.bio();
        u.result = res.ret() < 0 ? res.ret() : res.checkCondition() ? -io.stacksim.fs.Errno.EIO : u.length;
    }

    @Override
    public void commit(Runnable k) {
        k.run(); // the queued units were written already; commit only sends trims (not issued here)
    }

    @Override
    public void getevents(int min, int max, IntConsumer k) {
        reap(min, max, 0, k);
    }

    /** fio_sgio_getevents: read completed headers, waiting for the first {@code min}. */
    private void reap(int min, int max, int n, IntConsumer k) {
        if (n >= max || queued == 0 || (n >= min && r.kernel().passthru().sgCompleted(r.open(0)) == 0)) {
            k.accept(n);
            return;
        }
        OpenFile f = r.open(0);
        r.kernel().passthru().sgRead(r.task(), f, res -> {
            IoUnit u = (IoUnit) res.tag();
            queued--;
            result(u, res);
            r.reaped(u);
            reap(min, max, n + 1, k);
        });
    }
}
