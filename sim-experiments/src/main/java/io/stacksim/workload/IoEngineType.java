package io.stacksim.workload;

import java.util.function.Function;

/**
 * One fio ioengine StackSim simulates: its fio name, the flags fio's engine ops carry, the I/Os
 * it keeps in flight at the device, and its constructor (fio's {@code struct ioengine_ops}).
 * Each engine declares its type in its own file; {@link IoEngines#ALL} lists them.
 *
 * @param fioName the {@code ioengine=} value
 * @param syncio  FIO_SYNCIO: the engine completes I/O inside its queue hook (or commit, for vsync)
 * @param commit  the engine has a commit hook (units are submitted in batches)
 * @param depth   the I/Os it keeps in flight at the device, from iodepth and O_DIRECT
 * @param factory the engine for one job clone
 */
public record IoEngineType(String fioName, boolean syncio, boolean commit, DeviceDepth depth,
                           Function<JobRunner, Engine> factory) {
    /** I/Os in flight at the device for a job of {@code iodepth}, direct or buffered. */
    @FunctionalInterface
    public interface DeviceDepth {
        int of(int iodepth, boolean direct);

        /** One at a time: the sync engines, and posixaio (one request per descriptor). */
        DeviceDepth ONE = (iodepth, direct) -> 1;
    }
}
