package io.stacksim.os;

/** The system calls the simulated kernel implements, counted per task by name. */
public enum Syscall {
    READ, WRITE, PREAD64, PWRITE64, READV, WRITEV, PREADV, PWRITEV, LSEEK, OPENAT, CLOSE,
    FSYNC, FDATASYNC, SYNCFS, SYNC_FILE_RANGE, MMAP, MUNMAP, MSYNC, MADVISE, FADVISE64, SENDFILE, SPLICE, PIPE,
    SELECT, POLL, EPOLL_CREATE1, EPOLL_CTL, EPOLL_WAIT, SENDTO, RECVFROM,
    IO_SETUP, IO_SUBMIT, IO_GETEVENTS, IO_URING_SETUP, IO_URING_ENTER,
    FCNTL,
    /** The file operations: unlink(2), ftruncate(2), fallocate(2), stat/lstat (newfstatat) and statx. */
    UNLINK, FTRUNCATE, FALLOCATE, NEWFSTATAT, STATX,
    /** ioctl(2): the zoned block device ioctls (BLKREPORTZONE, BLKRESETZONE, ...). */
    IOCTL,
    /** futex(2) and clone(2): glibc's POSIX AIO helper threads wait, wake and start with them. */
    FUTEX, CLONE,
    /** The socket set-up calls of a network benchmark (fio's net engine), and vmsplice(2) for netsplice. */
    SOCKET, BIND, LISTEN, ACCEPT, CONNECT, SETSOCKOPT, VMSPLICE;

    /** The name strace prints, e.g. "pread64". */
    public String traceName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
