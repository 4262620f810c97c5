package io.stacksim.workload;

import java.util.List;

/**
 * The fio ioengines StackSim simulates, by fio's name. A new engine is its own file declaring
 * an {@link IoEngineType} plus one line in {@link #ALL}.
 */
public final class IoEngines {
    /** Every engine, in the order error messages list them. */
    public static final List<IoEngineType> ALL = List.of(
            SyncEngine.SYNC,
            SyncEngine.PSYNC,
            VsyncEngine.TYPE,
            SyncEngine.PVSYNC,
            LibaioEngine.TYPE,
            IoUringEngine.TYPE,
            IoUringEngine.CMD,
            SgEngine.TYPE,
            LibzbcEngine.TYPE,
            PosixAioEngine.TYPE,
            MmapEngine.TYPE,
            NullEngine.TYPE,
            NullEngine.CPP,
            CpuioEngine.TYPE,
            FileOpsEngine.FILECREATE,
            FileOpsEngine.FILESTAT,
            FileOpsEngine.FILEDELETE,
            FallocEngine.TYPE,
            FtruncateEngine.TYPE,
            E4defragEngine.TYPE,
            NetEngine.NET,
            NetEngine.NETSPLICE);

    private IoEngines() {
    }

    /** The engine fio calls {@code name}, or null. */
    public static IoEngineType byName(String name) {
        for (IoEngineType t : ALL) {
            if (t.fioName().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** FIO_DISKLESSIO: the engine does no file I/O, so fio neither creates nor opens the job's files. */
    public static boolean diskless(IoEngineType t) {
        return t == NullEngine.TYPE || t == NullEngine.SYNC || t == NullEngine.CPP || t == NullEngine.CPP_SYNC
                || t == CpuioEngine.TYPE || NetEngine.isNet(t);
    }

    /** FIO_NOIO: the engine does only pseudo I/O (units without direction or length). */
    public static boolean noio(IoEngineType t) {
        return t == CpuioEngine.TYPE;
    }

    /**
     * The type a job with {@code iodepth} runs: an engine whose init decides it is a sync
     * engine at depth 1 (null_init sets FIO_SYNCIO) gets that variant.
     */
    public static IoEngineType atDepth(IoEngineType t, int iodepth) {
        return t == NullEngine.TYPE ? NullEngine.forDepth(iodepth) : t == NullEngine.CPP ? NullEngine.cppForDepth(iodepth) : t;
    }

    /** The names StackSim accepts, comma-separated. */
    public static String names() {
        return String.join(", ", ALL.stream().map(IoEngineType::fioName).toList());
    }
}
