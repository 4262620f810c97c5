package io.stacksim.block.trace;

import io.stacksim.block.BlockTrace;
import io.stacksim.block.IoOwner;
import io.stacksim.block.Op;
import java.nio.file.Path;

/**
 * Where a run's block trace goes: blkparse text ({@code --blktrace FILE}), blktrace's binary
 * per-CPU files ({@code --blktrace-binary DIR}), or both.
 *
 * @param text      the blkparse text file, or null
 * @param binaryDir the folder for {@code <dev>.blktrace.<cpu>}, or null
 */
public record TraceOutput(Path text, Path binaryDir) {
    /** The outputs asked for, or null when neither is. */
    public static TraceOutput of(Path text, Path binaryDir) {
        return text == null && binaryDir == null ? null : new TraceOutput(text, binaryDir);
    }

    /** Text only (or null). */
    public static TraceOutput text(Path text) {
        return of(text, null);
    }

    /** Opens the writers for device {@code devName}. */
    public Writers open(String devName) {
        BlkparseWriter t = text == null ? null : new BlkparseWriter(text, devName);
        BlktraceWriter b;
        try {
            b = binaryDir == null ? null : new BlktraceWriter(binaryDir, devName);
        } catch (RuntimeException e) {
            if (t != null) {
                t.abort();
            }
            throw e;
        }
        return new Writers(t, b);
    }

    /** The open writers, fed the same events; each file appears only when the run ends well. */
    public static final class Writers implements BlockTrace {
        private final BlkparseWriter text;
        private final BlktraceWriter binary;

        Writers(BlkparseWriter text, BlktraceWriter binary) {
            this.text = text;
            this.binary = binary;
        }

        @Override
        public void event(char action, long timeNs, int cpu, IoOwner who, Op op, int flags, long sector, int sectors,
                          long extra) {
            if (text != null) {
                text.event(action, timeNs, cpu, who, op, flags, sector, sectors, extra);
            }
            if (binary != null) {
                binary.event(action, timeNs, cpu, who, op, flags, sector, sectors, extra);
            }
        }

        @Override
        public void close(long timeNs) {
            if (text != null) {
                text.close(timeNs);
            }
            if (binary != null) {
                binary.close(timeNs);
            }
        }

        /** Drops whatever was not yet closed (the run failed); targets already written stay. */
        public void abort() {
            if (text != null) {
                text.abort();
            }
            if (binary != null) {
                binary.abort();
            }
        }
    }
}
