package io.stacksim.fs;

import io.stacksim.block.Bio;
import io.stacksim.block.IoOwner;

/**
 * On-demand readahead as mm/readahead.c does it (Linux 6.18, with large folios).
 *
 * <p>Per open file a {@link State} (file_ra_state) remembers the last window
 * [start, start+size) and its async tail; the page at start+size-async_size carries
 * PG_readahead, and reading it triggers the next, larger window (page_cache_async_ra). A cache
 * miss (page_cache_sync_ra) starts a new window when the access looks sequential (offset 0,
 * next to the previous read, or larger than the window), uses the cached history before the
 * miss (context readahead) otherwise, and reads only the request for a lone random read.
 * Windows start at get_init_ra_size (x4 / x2 of the rounded request) and grow by
 * get_next_ra_size (x4 below max/16, x2 up to max/2, then max), max being read_ahead_kb.
 *
 * <p>Each window is read in folios (page_cache_ra_order): a synchronous window in order-0
 * pages, and every asynchronous one two orders larger than the last (ra->order += 2), at most
 * MAX_PAGECACHE_ORDER (9: 2 MiB) and ilog2 of the window, the window's end trimmed to that
 * alignment. The page cache's bios then carry one bio_vec per folio ({@link PageIo}), so the
 * whole window goes down as one bio that the block layer splits at max_sectors: a 128 KiB
 * sequential reader on a loop device with read_ahead_kb 2560 sees 1280 KiB requests, as
 * traced on this machine's 6.18 kernel; with order-0 pages max_segments (128) would stop
 * each request at 512 KiB.
 */
public final class Readahead {
    /** file_ra_state. */
    public static final class State {
        long start;
        long size;
        long asyncSize;
        long raPages;
        /** Byte position just past the previous read (-1 at open). */
        long prevPos = -1;
        int mmapMiss;
        int order;

        public long start() {
            return start;
        }

        public long size() {
            return size;
        }

        public long asyncSize() {
            return asyncSize;
        }
    }

    /** mmap read-around gives up after this many misses in a row (MMAP_LOTSAMISS). */
    static final int MMAP_LOTSAMISS = 100;
    private static final long FORCE_CHUNK_PAGES = (2 << 20) >> VmSettings.PAGE_SHIFT;

    /** MAX_PAGECACHE_ORDER with 4 KiB pages on x86-64: HPAGE_PMD_ORDER (include/linux/pagemap.h). */
    static final int MAX_PAGECACHE_ORDER = 9;

    private final PageCache cache;
    private final PageIo io;
    private final long raPages;
    private final long ioPages;
    private final boolean largeFolios;
    long windows;
    long pagesRequested;

    /**
     * @param raPages read_ahead_kb / 4 (bdi->ra_pages)
     * @param ioPages max_sectors_kb / 4 (bdi->io_pages)
     */
    Readahead(PageCache cache, PageIo io, long raPages, long ioPages) {
        this(cache, io, raPages, ioPages, true);
    }

    /** @param largeFolios mapping_large_folio_support: the file's mapping takes folios above order 0 */
    Readahead(PageCache cache, PageIo io, long raPages, long ioPages, boolean largeFolios) {
        this.cache = cache;
        this.io = io;
        this.raPages = raPages;
        this.ioPages = ioPages;
        this.largeFolios = largeFolios;
    }

    /** The readahead state of an open file, created at open (file_ra_state_init). */
    public State state(OpenFile f) {
        State s = (State) f.raState;
        if (s == null) {
            s = new State();
            s.raPages = f.sequentialHint ? 2 * raPages : raPages;
            f.raState = s;
        }
        return s;
    }

    /** POSIX_FADV_SEQUENTIAL doubles the window, NORMAL restores it (mm/fadvise.c). */
    void setSequential(OpenFile f, boolean seq) {
        f.sequentialHint = seq;
        state(f).raPages = seq ? 2 * raPages : raPages;
    }

    private long maxPages(State ra, long req) {
        long max = ra.raPages;
        if (req > max && ioPages > max) {
            max = Math.min(req, ioPages);
        }
        return max;
    }

    static long initSize(long req, long max) {
        long n = Long.highestOneBit(Math.max(1, req));
        if (n < req) {
            n <<= 1;
        }
        if (n <= max / 32) {
            return 4 * n;
        }
        if (n <= max / 4) {
            return 2 * n;
        }
        return max;
    }

    static long nextSize(long cur, long max) {
        if (cur < max / 16) {
            return 4 * cur;
        }
        if (cur <= max / 2) {
            return 2 * cur;
        }
        return max;
    }

    /** page_cache_sync_ra: a read missed page {@code index}, wanting {@code req} pages. */
    public void syncRa(OpenFile f, CachedFile cf, long index, long req, IoOwner owner) {
        State ra = state(f);
        boolean forced = f.randomHint;
        if (ra.raPages == 0) {
            req = 1;
            forced = true;
        }
        if (forced) {
            forceRa(ra, cf, index, req, owner);
            return;
        }
        long max = maxPages(ra, req);
        long prevIndex = ra.prevPos < 0 ? -1 : ra.prevPos >> VmSettings.PAGE_SHIFT;
        // start of file, oversized read, or sequential miss (prev_index is -1 >> PAGE_SHIFT as unsigned: huge)
        boolean sequential = prevIndex >= 0 && index - prevIndex <= 1 && index >= prevIndex;
        if (index == 0 || req > max || sequential) {
            ra.start = index;
            ra.size = initSize(req, max);
            ra.asyncSize = ra.size > req ? ra.size - req : ra.size >> 1;
            ra.order = 0;
            readWindow(ra, cf, owner);
            return;
        }
        long contig = cache.contiguousCachedBefore(cf, index, max);
        if (contig <= req) {
            // Standalone small random read: read as is, leave the state alone.
            doRa(cf, index, req, 0, owner);
            return;
        }
        if (contig == index) {
            contig *= 2; // cached from the start of the file: a long stream
        }
        ra.start = index;
        ra.size = Math.min(contig + req, max);
        ra.asyncSize = 1;
        ra.order = 0;
        readWindow(ra, cf, owner);
    }

    /**
     * page_cache_async_ra: the reader reached page {@code index} ({@code slot}) marked
     * PG_readahead; pipeline the next window.
     */
    public void asyncRa(OpenFile f, CachedFile cf, int slot, long index, long req, IoOwner owner) {
        State ra = state(f);
        if (ra.raPages == 0 || cache.isWriteback(slot)) {
            return;
        }
        cache.clearReadaheadMark(slot);
        long max = maxPages(ra, req);
        long folioPages = 1L << cache.folioOrder(slot);
        long expected = (ra.start + ra.size - ra.asyncSize) & ~(folioPages - 1);
        if (index == expected) {
            ra.start += ra.size;
            ra.size = Math.max(ra.size, nextSize(ra.size, max));
        } else {
            // A marked page without valid state (interleaved streams): size from the cache.
            long start = cache.nextMiss(cf, index + 1, max);
            if (start <= 0 || start - index > max) {
                return;
            }
            ra.start = start;
            ra.size = start - index + req;
            ra.size = nextSize(ra.size, max);
        }
        ra.order += 2;
        long align = 1L << Math.min(ra.order, Long.numberOfTrailingZeros(max));
        long end = ra.start + ra.size;
        long alignedEnd = end / align * align;
        if (alignedEnd > ra.start) {
            ra.size -= end - alignedEnd;
        }
        ra.asyncSize = ra.size;
        readWindow(ra, cf, owner);
    }

    /**
     * page_cache_ra_order: the window [start, start+size) in folios of ra->order, capped at
     * MAX_PAGECACHE_ORDER and ilog2(size), not past EOF; where a folio cannot be added (a page
     * already cached, no memory) the rest falls back to order-0 pages (do_page_cache_ra).
     */
    private void readWindow(State ra, CachedFile cf, IoOwner owner) {
        windows++;
        if (!largeFolios) {
            ra.order = 0;
            doRa(cf, ra.start, ra.size, ra.asyncSize, owner);
            return;
        }
        long fileSize = cf.file.size();
        if (fileSize == 0 || ra.size <= 0) {
            return;
        }
        long start = ra.start;
        long limit = Math.min((fileSize - 1) >> VmSettings.PAGE_SHIFT, start + ra.size - 1);
        int order = Math.min(MAX_PAGECACHE_ORDER, ra.order);
        order = Math.min(order, 63 - Long.numberOfLeadingZeros(ra.size));
        ra.order = order;
        if (start > limit) {
            return;
        }
        long mark = start + ra.size - ra.asyncSize;
        pagesRequested += limit - start + 1;
        long index = io.readFolios(cf, start, limit, order, mark, owner, Bio.RAHEAD);
        if (index <= limit && ra.size > index - start) {
            pagesRequested -= limit - index + 1; // counted again by do_page_cache_ra
            doRa(cf, index, ra.size - (index - start), ra.asyncSize, owner);
        }
    }

    /** mmap read-around: a window of ra_pages centred on the fault, async tail a quarter. */
    void readAround(State ra, CachedFile cf, long index, IoOwner owner) {
        ra.start = Math.max(0, index - ra.raPages / 2);
        ra.size = ra.raPages;
        ra.asyncSize = ra.raPages / 4;
        ra.order = 0;
        readWindow(ra, cf, owner);
    }

    /** force_page_cache_ra: read exactly the request, in 2 MiB chunks (fadvise WILLNEED, FMODE_RANDOM). */
    void forceRa(State ra, CachedFile cf, long index, long req, IoOwner owner) {
        long n = Math.min(req, Math.max(ioPages, ra.raPages));
        while (n > 0) {
            long chunk = Math.min(FORCE_CHUNK_PAGES, n);
            doRa(cf, index, chunk, 0, owner);
            index += chunk;
            n -= chunk;
        }
    }

    /**
     * do_page_cache_ra: reads up to {@code n} pages from {@code index}, not past EOF, marking
     * the page {@code lookahead} from the end with PG_readahead.
     */
    private void doRa(CachedFile cf, long index, long n, long lookahead, IoOwner owner) {
        long size = cf.file.size();
        if (size == 0) {
            return;
        }
        long endIndex = (size - 1) >> VmSettings.PAGE_SHIFT;
        if (index > endIndex) {
            return;
        }
        n = Math.min(n, endIndex - index + 1);
        long mark = lookahead > 0 && lookahead <= n ? index + n - lookahead : -1;
        pagesRequested += n;
        io.readPages(cf, index, n, mark, owner, Bio.RAHEAD);
    }
}
