package io.stacksim.fs;

/**
 * The CPU costs the file layer charges, taken from the OS cost model.
 *
 * @param pageCacheLookupNs one page-cache lookup or insertion
 * @param memcpyBytesPerSec one core's copy bandwidth
 * @param blockSubmitNs     allocating and submitting one bio
 * @param minorFaultNs      a page fault served from the cache
 * @param majorFaultNs      a page fault needing I/O, excluding the I/O
 */
public record FsCosts(long pageCacheLookupNs, double memcpyBytesPerSec, long blockSubmitNs,
                      long minorFaultNs, long majorFaultNs) {

    /** CPU time to copy {@code bytes}. */
    public long copyNs(long bytes) {
        return (long) Math.ceil(bytes * 1e9 / memcpyBytesPerSec);
    }
}
