package io.stacksim.os;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A process's file descriptor table: alloc_fd hands out the lowest free number (POSIX), 0-2
 * being stdin, stdout and stderr. Pollable files are kept so select can find them by number.
 */
public final class FdTable {
    private final BitSet used = new BitSet();
    private final List<Pollable> files = new ArrayList<>();

    public FdTable() {
        used.set(0, 3);
    }

    /** Installs {@code f} at the lowest free descriptor and returns it. */
    public int install(Pollable f) {
        int fd = reserve();
        while (files.size() <= fd) {
            files.add(null);
        }
        files.set(fd, f);
        if (f instanceof TcpSocket s) {
            s.setFd(fd);
        } else if (f instanceof Pipe.End e) {
            e.setFd(fd);
        }
        return fd;
    }

    /** Takes the lowest free descriptor for a file select never watches (a listening socket, an epoll instance). */
    public int reserve() {
        int fd = used.nextClearBit(0);
        used.set(fd);
        return fd;
    }

    /** The pollable file open as {@code fd}, or null. */
    public Pollable get(int fd) {
        return fd < files.size() ? files.get(fd) : null;
    }

    public void close(int fd) {
        used.clear(fd);
        if (fd < files.size()) {
            files.set(fd, null);
        }
    }

    /** The highest descriptor in use. */
    public int maxFd() {
        return used.length() - 1;
    }
}
