package io.stacksim.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.stacksim.testing.KernelHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Files created empty, grown, truncated and punched during a run on fs.type raw. */
class FileOperationsTest {
    private static final long MIB = 1 << 20;

    @Test
    void rawFilesCreatedEmptyGrowTruncateAndPunchToo() {
        KernelHarness h = new KernelHarness(1, 10_000, false, Map.of());
        io.stacksim.config.ConfigNode c = io.stacksim.config.ConfigNode.emptyRoot("test");
        c.set("type", "raw", io.stacksim.config.Origin.flag("test"));
        FileSystem raw = new FileSystem(h.queue, c, new io.stacksim.engine.RandomStreams(1).stream("fs"));
        assertEquals(null, raw.ext4());
        SimFile f = raw.create("r");
        assertEquals(0, raw.fallocate(f, 0, 0, MIB));
        assertEquals(MIB, f.size());
        assertNotNull(f.mappedAt(0));
        assertEquals(2048, f.extents().get(0).sector(), "raw allocation starts at first_sector");
        assertEquals(0, raw.fallocate(f, FileSystem.FALLOC_FL_PUNCH_HOLE | FileSystem.FALLOC_FL_KEEP_SIZE, 4096, 4096));
        assertEquals(2, raw.extentCount(f));
        assertEquals(1, raw.filefragCount(f), "the two pieces are still physically in line");
        assertEquals(0, raw.truncate(f, 4096));
        assertEquals(4096, f.size());
        assertEquals(0, raw.unlink("r"));
        assertEquals(null, raw.lookup("r"));
    }
}
