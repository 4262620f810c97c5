/**
 * The host's operating system: CPUs and their run queues ({@link io.stacksim.os.Cpus},
 * {@link io.stacksim.os.Task}), the cost model, the system calls ({@link io.stacksim.os.Kernel}:
 * open, read/write, fsync, fadvise, mmap), kernel AIO ({@link io.stacksim.os.AioSyscalls}),
 * io_uring ({@link io.stacksim.os.IoUringSyscalls}), glibc's POSIX AIO and stdio, pipes, sockets,
 * TCP and select/poll/epoll.
 *
 * <p>Contract: a call takes a continuation that runs on the calling task's CPU when the call
 * returns; every call is a mode switch in, its CPU time, the layers' work and a mode switch out,
 * and a task waiting for I/O sleeps until the completion wakes it. Reads and writes return their
 * result with the bio they waited for ({@link io.stacksim.os.Kernel.IoRet}). The file layer is
 * reached only through {@link io.stacksim.fs.PageCacheLayer} and {@link io.stacksim.fs.DirectIo}.
 * Entry point: {@link io.stacksim.os.Kernel}.
 */
package io.stacksim.os;
