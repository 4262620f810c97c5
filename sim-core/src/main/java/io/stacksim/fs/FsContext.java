package io.stacksim.fs;

import io.stacksim.block.IoOwner;

/**
 * The task a file operation runs for (the kernel's {@code current}), as the file layer needs
 * it: to spend kernel CPU time, to sleep until I/O completes, and to be charged for copies and
 * page faults. The OS's tasks implement it.
 */
public interface FsContext extends IoOwner {
    /** Spends {@code ns} of kernel CPU time, then runs {@code then}. */
    void computeSys(long ns, Runnable then);

    /** Blocks until someone calls {@link #wakeUp}. */
    void sleep();

    /** Makes the sleeping task runnable; {@code then} runs once it has a CPU again. */
    void wakeUp(Runnable then);

    /** Counts one CPU copy of {@code bytes} between kernel and user memory. */
    void countCopy(long bytes);

    /** Counts a page fault. */
    void countFault(boolean major);

    /** Pages this task dirtied since balance_dirty_pages last looked (current->nr_dirtied). */
    int nrDirtied();

    void setNrDirtied(int n);

}
