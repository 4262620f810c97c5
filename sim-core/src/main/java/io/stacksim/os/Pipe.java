package io.stacksim.os;

/**
 * A pipe (fs/pipe.c): a ring of pipe buffers, PIPE_DEF_BUFFERS = 16 by default, each a
 * reference to (part of) one page. write() fills pages of its own (merging a small write into
 * the last buffer when it fits), so a write of at most PIPE_BUF = 4096 bytes lands in one
 * buffer and is never split: it is atomic. splice() from a file puts page-cache pages in the
 * ring without copying them; splice() to a socket hands them on as fragments. A full pipe
 * blocks writers, an empty one readers, each woken through the pipe's wait queues.
 */
public final class Pipe {
    /** PIPE_DEF_BUFFERS. */
    public static final int DEF_BUFFERS = 16;
    /** PIPE_BUF: the largest write that is atomic. */
    public static final int PIPE_BUF = 4096;
    /** /proc/sys/fs/pipe-max-size default: the largest F_SETPIPE_SZ for an unprivileged process. */
    public static final long MAX_SIZE = 1 << 20;
    public static final int PAGE = 4096;

    /** One pipe_buffer: a page piece; anonymous pages (from write) may take more data. */
    static final class Buffer {
        long len;
        /** Offset of the data in its page. */
        int offset;
        /** Filled by write(): its page belongs to the pipe, so later small writes can merge into it. */
        boolean anon;
    }

    private Buffer[] ring;
    private int head;
    private int tail;
    private int maxUsage;
    final End readEnd = new End(true);
    final End writeEnd = new End(false);
    private boolean writerClosed;

    Pipe() {
        this.ring = new Buffer[DEF_BUFFERS];
        this.maxUsage = DEF_BUFFERS;
        for (int i = 0; i < ring.length; i++) {
            ring[i] = new Buffer();
        }
    }

    /** One end of the pipe as an open file. */
    public final class End implements Pollable {
        private final boolean read;
        private final WaitQueue wq = new WaitQueue();
        private int fd = -1;

        End(boolean read) {
            this.read = read;
        }

        public Pipe pipe() {
            return Pipe.this;
        }

        public boolean isReadEnd() {
            return read;
        }

        @Override
        public int pollMask() {
            if (read) {
                return (occupancy() > 0 ? POLLIN : 0) | (writerClosed && occupancy() == 0 ? POLLHUP : 0);
            }
            return occupancy() < maxUsage ? POLLOUT : 0;
        }

        @Override
        public WaitQueue waitQueue() {
            return wq;
        }

        @Override
        public int fd() {
            return fd;
        }

        public void setFd(int fd) {
            this.fd = fd;
        }
    }

    /** The read end (pipefd[0]). */
    public End readEnd() {
        return readEnd;
    }

    /** The write end (pipefd[1]). */
    public End writeEnd() {
        return writeEnd;
    }

    /** Buffers in use. */
    public int occupancy() {
        return head - tail;
    }

    /** Bytes buffered. */
    public long bytes() {
        long n = 0;
        for (int i = tail; i < head; i++) {
            n += buf(i).len;
        }
        return n;
    }

    /** The ring size in buffers (pipe->max_usage). */
    public int capacity() {
        return maxUsage;
    }

    /** Ring index of the first buffer (pipe->tail). */
    int tailIndex() {
        return tail;
    }

    Buffer buf(int index) {
        return ring[index & (ring.length - 1)];
    }

    /** Every buffer of the ring is in use (pipe_full). */
    public boolean full() {
        return occupancy() >= maxUsage;
    }

    boolean empty() {
        return head == tail;
    }

    boolean writerClosed() {
        return writerClosed;
    }

    void closeWriter() {
        writerClosed = true;
    }

    /** Takes a new buffer at the head. */
    Buffer push(long len, int offset, boolean anon) {
        Buffer b = buf(head++);
        b.len = len;
        b.offset = offset;
        b.anon = anon;
        return b;
    }

    /** The last (head) buffer, or null. */
    Buffer last() {
        return empty() ? null : buf(head - 1);
    }

    /** The first (tail) buffer, or null. */
    Buffer first() {
        return empty() ? null : buf(tail);
    }

    void popFirst() {
        tail++;
    }

    /**
     * pipe_set_size (F_SETPIPE_SZ): the ring becomes the next power of two of pages holding
     * {@code bytes}; returns the new size in bytes, or -EPERM above pipe-max-size, -EBUSY if the
     * data already in it would not fit.
     */
    long resize(long bytes) {
        if (bytes > MAX_SIZE) {
            return -1; // EPERM for an unprivileged process
        }
        int pages = Integer.highestOneBit((int) Math.max(1, (bytes + PAGE - 1) / PAGE));
        if (pages < (bytes + PAGE - 1) / PAGE) {
            pages <<= 1;
        }
        if (occupancy() > pages) {
            return -16; // EBUSY
        }
        Buffer[] next = new Buffer[pages];
        int n = occupancy();
        for (int i = 0; i < n; i++) {
            next[i] = buf(tail + i);
        }
        for (int i = n; i < pages; i++) {
            next[i] = new Buffer();
        }
        ring = next;
        tail = 0;
        head = n;
        maxUsage = pages;
        return (long) pages * PAGE;
    }
}
