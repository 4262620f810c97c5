package io.stacksim.fs;

import io.stacksim.block.Bio;
import io.stacksim.block.IoOwner;

/**
 * On-demand readahead as mm/readahead.c does it (Linux 6.x, order-0 pages: no large folios).
 *
 * <p>Per open file a {@link State} (file_ra_state) remembers the last window
 * [start, start+size) and its async tail; the page at start+size-async_size carries
 * PG_readahead, and reading it triggers the next, larger window (page_cache_async_ra). A cache
 * miss (page_cache_sync_ra) starts a new window when the access looks sequential (offset 0,
 * next to the previous read, or larger than the window), uses the cached history before the
 * miss (context readahead) otherwise, and reads only the request for a lone random read.
 * Windows start at get_init_ra_size (x4 / x2 of the rounded request) and grow by
 * get_next_ra_size (x4 below max/16, x2 up to max/2, then max), max being read_ahead_kb.
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

    private final PageCache cache;
    private final PageIo io;
    private final long raPages;
    private final long ioPages;
    long windows;
    long pagesRequested;

    /**
     * @param raPages read_ahead_kb / 4 (bdi->ra_pages)
     * @param ioPages max_sectors_kb / 4 (bdi->io_pages)
     */
    Readahead(PageCache cache, PageIo io, long raPages, long ioPages) {
        this.cache = cache;
        this.io = io;
        this.raPages = raPages;
        this.ioPages = ioPages;
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
        long expected = ra.start + ra.size - ra.asyncSize;
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

    /** page_cache_ra_order without large folios: falls back to do_page_cache_ra. */
    private void readWindow(State ra, CachedFile cf, IoOwner owner) {
        ra.order = 0;
        windows++;
        doRa(cf, ra.start, ra.size, ra.asyncSize, owner);
    }

    /** mmap read-around: a window of ra_pages centred on the fault, async tail a quarter. */
    void readAround(State ra, CachedFile cf, long index, IoOwner owner) {
        ra.start = Math.max(0, index - ra.raPages / 2);
        ra.size = ra.raPages;
        ra.asyncSize = ra.raPages / 4;
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
