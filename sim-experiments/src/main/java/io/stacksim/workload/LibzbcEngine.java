package io.stacksim.workload;

import io.stacksim.block.BlockTarget;
import io.stacksim.device.DeviceCommand;
import io.stacksim.device.ScsiCdb;
import io.stacksim.fs.Errno;
import io.stacksim.fs.OpenFile;
import java.util.function.IntConsumer;

/**
 * fio's libzbc engine (engines/libzbc.c, FIO_SYNCIO): libzbc opened with its SCSI and ATA
 * drivers only (zbc_open with ZBC_O_DRV_SCSI | ZBC_O_DRV_ATA), so every command is a SCSI
 * command through SG_IO on the disk: a unit is zbc_pread / zbc_pwrite, READ(16) / WRITE(16)
 * (libzbc's zbc_scsi_pread / zbc_scsi_pwrite), a sync is zbc_flush (SYNCHRONIZE CACHE(16)), and
 * fio's reset_wp is zbc_reset_zone, ZBC OUT RESET WRITE POINTER ({@link ZbdJob}). The zones fio
 * reads are the drive's own report. zbc_open fails (ENODEV) on a disk that is not zoned or not
 * SCSI, and fio's libzbc_open_dev refuses anything but a block or character device.
 */
final class LibzbcEngine implements Engine {
    static final IoEngineType TYPE = new IoEngineType("libzbc", true, false, IoEngineType.DeviceDepth.ONE,
            LibzbcEngine::new);

    private final JobRunner r;
    private boolean opened;

    private LibzbcEngine(JobRunner r) {
        this.r = r;
    }

    @Override
    public boolean hasCommit() {
        return false;
    }

    /** libzbc_open_dev at the first unit: zbc_open needs a zoned SCSI (or ATA behind SAT) disk. */
    private void open() {
        if (!opened) {
            opened = true;
            checkOpen(r.spec(), r.fileName(0), r.open(0).file().bdev());
        }
    }

    /**
     * libzbc_open_dev for file {@code name} on {@code bdev}: a device node of a zoned SCSI or ATA
     * disk, else the job fails as zbc_open does (also called when fio reads the zoned model,
     * before any I/O).
     */
    static void checkOpen(JobSpec spec, String name, BlockTarget bdev) {
        if (!name.startsWith("/dev/")) {
            throw new JobRunner.JobError(spec, "ioengine libzbc only works on block or character devices, not '"
                    + name + "'");
        }
        if (!bdev.transport().scsi() || bdev.zoned() == null) {
            throw new JobRunner.JobError(spec, name + ": zbc_open() failed, err=-19 (ENODEV: the machine's disk "
                    + bdev.name() + " is not a zoned SCSI or ATA disk; ioengine=libzbc needs the smr profile)");
        }
    }

    /** zbc_pread / zbc_pwrite / zbc_flush of unit {@code ddir} at {@code offset} on {@code bs}-byte blocks. */
    static ScsiCdb cdb(int ddir, long offset, long length, int bs) {
        long lba = offset / bs;
        long blocks = length / bs;
        return switch (ddir) {
            case JobStats.READ -> new ScsiCdb(ScsiCdb.READ_16, 0, lba, blocks, 0, false, false, length, false, 0);
            case JobStats.WRITE -> new ScsiCdb(ScsiCdb.WRITE_16, 0, lba, blocks, 0, false, false, length, true,
                    DeviceCommand.UNKNOWN);
            default -> new ScsiCdb(ScsiCdb.SYNCHRONIZE_CACHE_16, 0, 0, 0, 0, false, false, 0, false, 0);
        };
    }

    @Override
    public void queue(IoUnit u, IntConsumer status) {
        open();
        OpenFile f = r.open(u.file);
        int bs = f.file().bdev().limits().logicalBlockSize();
        r.issued(u);
        if (!u.isSync() && (u.length % bs != 0 || u.offset % bs != 0)) {
            u.result = -Errno.EINVAL;
            r.completed(u);
            status.accept(COMPLETED);
            return;
        }
        r.kernel().passthru().sgIo(r.task(), f, cdb(u.ddir, u.offset, u.length, bs), res -> {
            u.lastBio = res.bio();
            u.result = res.ret() < 0 ? res.ret() : res.checkCondition() ? -Errno.EIO : u.isSync() ? 0 : u.length;
            r.completed(u);
            status.accept(COMPLETED);
        });
    }
}
