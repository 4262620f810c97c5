package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import io.stacksim.config.Origin;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * examples/direct-sync-ssd.yaml: 200 O_DIRECT 4 KiB writes with sync on a SATA SSD with a
 * volatile write cache, and what diskstats counts for them as Linux 6.18 does (measured with
 * examples/ext4/flush-accounting.sh: the empty flush write counts as a write of 0 sectors, its
 * flush request in the flush fields).
 */
class DirectSyncFlushTest {
    private static Map<String, Number> run(String... sets) {
        ConfigNode root = ConfigNode.parseYaml(Path.of("../examples/direct-sync-ssd.yaml"));
        for (int i = 0; i < sets.length; i += 2) {
            root.set(sets[i], sets[i + 1], Origin.flag("test"));
        }
        return Simulation.run(root).metrics();
    }

    @Test
    void oSyncDirectWritesWithoutFuaSendAFlushEachCountedAsAnEmptyWriteAndAFlush() {
        Map<String, Number> m = run();
        long writes = m.get("io.write.ios").longValue();
        assertThat(writes).isEqualTo(200);
        assertThat(m.get("diskstats.flush.ios").longValue()).isGreaterThanOrEqualTo(writes);
        // each write's data request plus its fsync's empty PREFLUSH write (and a commit's two)
        assertThat(m.get("diskstats.write.ios").longValue()).isGreaterThanOrEqualTo(2 * writes);
        assertThat(m.get("diskstats.write.sectors").longValue()).isGreaterThanOrEqualTo(8 * writes);
    }

    @Test
    void oDsyncDirectOverwritesOnAFuaDeviceAreFuaWritesWithNoFlush() {
        // Overwrites: the file is on disk, written, at mount (fio would otherwise make it in the
        // run, and writes into its fresh blocks need fdatasync's commit: no write-through).
        String yaml;
        try {
            yaml = java.nio.file.Files.readString(Path.of("../examples/direct-sync-ssd.yaml"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ConfigNode root = ConfigNode.parseYaml(new java.io.StringReader(yaml + "\nfs:\n  files: [{path: over.dat, size: 800k}]\n"),
                "direct-sync-ssd.yaml");
        root.set("device.fua", "true", Origin.flag("test"));
        root.set("workload.sync", "dsync", Origin.flag("test"));
        root.set("workload.filename", "over.dat", Origin.flag("test"));
        Map<String, Number> m = Simulation.run(root).metrics();
        assertThat(m.get("diskstats.flush.ios").longValue()).isZero();
        assertThat(m.get("diskstats.write.ios").longValue()).isEqualTo(200);
    }

    @Test
    void asynchronousDsyncDirectWritesSyncInTheDioWorkqueueBeforeTheyComplete() {
        // iomap_dio_complete_work: generic_write_sync runs before the iocb completes, so every
        // write is followed by its flush whatever the engine.
        for (String engine : new String[] {"libaio", "io_uring"}) {
            Map<String, Number> m = run("workload.ioengine", engine, "workload.iodepth", "4");
            assertThat(m.get("io.write.ios").longValue()).as(engine).isEqualTo(200);
            assertThat(m.get("diskstats.flush.ios").longValue()).as(engine).isPositive();
            assertThat(m.get("diskstats.write.ios").longValue()).as(engine).isGreaterThan(200);
        }
    }
}
