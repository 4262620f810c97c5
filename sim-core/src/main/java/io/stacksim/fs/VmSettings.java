package io.stacksim.fs;

import io.stacksim.config.ConfigException;
import io.stacksim.config.ConfigNode;
import io.stacksim.config.ConfigSection;
import io.stacksim.config.Tunable;
import io.stacksim.config.Units;

/**
 * Memory and page-cache tunables, config section {@code vm} (the /proc/sys/vm names where
 * Linux has them; defaults from mm/page-writeback.c and mm/memory.c).
 *
 * @param memoryBytes            simulated RAM
 * @param pageCacheBytes         page-cache capacity: {@code vm.page_cache} as bytes or a
 *                               percentage of {@code vm.memory} (default 90%: the rest is
 *                               the kernel and anonymous memory, which are not simulated)
 * @param dirtyRatio             dirty_ratio, % of dirtyable memory (20)
 * @param dirtyBackgroundRatio   dirty_background_ratio (10)
 * @param dirtyBytes             dirty_bytes; non-zero replaces dirty_ratio
 * @param dirtyBackgroundBytes   dirty_background_bytes; non-zero replaces the ratio
 * @param dirtyExpireNs          dirty_expire_centisecs (3000 = 30 s)
 * @param dirtyWritebackNs       dirty_writeback_centisecs (500 = 5 s); 0 disables periodic writeback
 * @param faultAroundBytes       fault_around_bytes (64 KiB, mm/memory.c)
 * @param largeFolios            the page cache holds large folios (mapping_large_folio_support:
 *                               block devices and ext4 regular files on Linux 6.18)
 * @param check                  check the page cache's invariants as the run goes (--check)
 */
public record VmSettings(long memoryBytes, long pageCacheBytes, int dirtyRatio, int dirtyBackgroundRatio,
                         long dirtyBytes, long dirtyBackgroundBytes, long dirtyExpireNs, long dirtyWritebackNs,
                         long faultAroundBytes, boolean largeFolios, boolean check) {

    public static final int PAGE_SIZE = 4096;
    public static final int PAGE_SHIFT = 12;

    static final Tunable<Long> MEMORY = Tunable.size("memory", 8L << 30, 1 << 20, Long.MAX_VALUE)
            .help("simulated RAM");
    static final Tunable<String> PAGE_CACHE = Tunable.text("page_cache", "90%")
            .range("a size, or a share of `vm.memory` such as 50%")
            .help("page-cache capacity (the rest is the kernel and anonymous memory, which are not simulated)");
    static final Tunable<Integer> DIRTY_RATIO = Tunable.integer("dirty_ratio", 20, 0, 100)
            .help("% of dirtyable memory a writer may dirty before it is throttled (mm/page-writeback.c)");
    static final Tunable<Integer> DIRTY_BACKGROUND_RATIO = Tunable.integer("dirty_background_ratio", 10, 0, 100)
            .help("% of dirtyable memory dirty before the flusher starts");
    static final Tunable<Long> DIRTY_BYTES = Tunable.size("dirty_bytes", 0, 0, Long.MAX_VALUE)
            .help("non-zero replaces dirty_ratio (at least 2 pages)");
    static final Tunable<Long> DIRTY_BACKGROUND_BYTES = Tunable.size("dirty_background_bytes", 0, 0, Long.MAX_VALUE)
            .help("non-zero replaces dirty_background_ratio");
    static final Tunable<Long> DIRTY_EXPIRE_CENTISECS = Tunable.longInteger("dirty_expire_centisecs", 3000, 0,
            Integer.MAX_VALUE).help("age at which dirty data is written back (centiseconds)");
    static final Tunable<Long> DIRTY_WRITEBACK_CENTISECS = Tunable.longInteger("dirty_writeback_centisecs", 500, 0,
            Integer.MAX_VALUE).help("period of the flusher's wake-ups (centiseconds); 0 disables periodic writeback");
    static final Tunable<Long> FAULT_AROUND_BYTES = Tunable.size("fault_around_bytes", 65536, PAGE_SIZE, 1 << 20)
            .help("pages mapped around a read fault (mm/memory.c), a power of two");
    static final Tunable<Boolean> LARGE_FOLIOS = Tunable.flag("large_folios", true)
            .help("the page cache holds large folios, as Linux 6.18 does for block devices and ext4 files:"
                    + " readahead grows them two orders a window up to 2 MiB (mm/readahead.c), a write takes one"
                    + " as large as its length (fgf_set_order); false = order-0 pages only");

    /** The {@code vm} section's tunables. */
    public static final ConfigSection SECTION = ConfigSection.of("vm", "Memory and page cache (`vm`)",
            MEMORY, PAGE_CACHE, DIRTY_RATIO, DIRTY_BACKGROUND_RATIO, DIRTY_BYTES, DIRTY_BACKGROUND_BYTES,
            DIRTY_EXPIRE_CENTISECS, DIRTY_WRITEBACK_CENTISECS, FAULT_AROUND_BYTES, LARGE_FOLIOS)
            .intro("The /proc/sys/vm names where Linux has them, with mm/page-writeback.c's defaults.");

    public static VmSettings defaults() {
        return from(ConfigNode.emptyRoot("defaults"), false);
    }

    /** Reads the {@code vm} section. */
    public static VmSettings from(ConfigNode vm, boolean check) {
        long mem = MEMORY.read(vm);
        String pc = PAGE_CACHE.read(vm);
        long cache;
        try {
            if (pc.endsWith("%")) {
                double pct = Double.parseDouble(pc.substring(0, pc.length() - 1));
                if (pct <= 0 || pct > 100) {
                    throw new IllegalArgumentException();
                }
                cache = (long) (mem * pct / 100);
            } else {
                cache = Units.parseSize(pc);
            }
        } catch (IllegalArgumentException e) {
            throw vm.error("page_cache", "expected a size such as 2g or a share of vm.memory such as 50%, got '" + pc + "'");
        }
        if (cache > mem) {
            throw vm.error("page_cache", "larger than vm.memory (" + Units.formatSize(mem) + ")");
        }
        if (cache < 64L * PAGE_SIZE) {
            throw vm.error("page_cache", "needs at least 64 pages (256 KiB)");
        }
        int ratio = DIRTY_RATIO.read(vm);
        int bgRatio = DIRTY_BACKGROUND_RATIO.read(vm);
        long bytes = DIRTY_BYTES.read(vm);
        long bgBytes = DIRTY_BACKGROUND_BYTES.read(vm);
        if (bytes != 0 && bytes < 2L * PAGE_SIZE) {
            throw vm.error("dirty_bytes", "must be 0 or at least 2 pages, as Linux requires");
        }
        long expire = DIRTY_EXPIRE_CENTISECS.read(vm) * 10_000_000L;
        long wb = DIRTY_WRITEBACK_CENTISECS.read(vm) * 10_000_000L;
        long fa = FAULT_AROUND_BYTES.read(vm);
        if (Long.bitCount(fa) != 1) {
            throw ConfigException.at(vm.origin(), "'vm.fault_around_bytes' must be a power of two");
        }
        return new VmSettings(mem, cache, ratio, bgRatio, bytes, bgBytes, expire, wb, fa, LARGE_FOLIOS.read(vm), check);
    }

    /** Page-cache capacity in pages. */
    public int capacityPages() {
        long pages = pageCacheBytes >> PAGE_SHIFT;
        if (pages > (1 << 30)) {
            throw new IllegalArgumentException("page cache too large to simulate: " + pageCacheBytes);
        }
        return (int) pages;
    }

    /**
     * The hard and background dirty thresholds in pages, from dirtyable memory (free + file
     * LRU = the whole simulated page cache), as domain_dirty_limits() computes them: the
     * background threshold is capped below the hard one (half of it if it would not be).
     */
    public long[] thresholds() {
        long dirtyable = capacityPages();
        long thresh = dirtyBytes > 0 ? (dirtyBytes + PAGE_SIZE - 1) / PAGE_SIZE : dirtyable * dirtyRatio / 100;
        long bg = dirtyBackgroundBytes > 0 ? (dirtyBackgroundBytes + PAGE_SIZE - 1) / PAGE_SIZE
                : dirtyable * dirtyBackgroundRatio / 100;
        if (bg >= thresh) {
            bg = thresh / 2;
        }
        return new long[] {Math.max(thresh, 1), bg};
    }
}
