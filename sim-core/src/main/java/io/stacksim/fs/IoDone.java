package io.stacksim.fs;

import io.stacksim.block.Bio;

/**
 * Completion of a file I/O below the syscall layer, called in completion context.
 * {@code result} is the byte count or a negative errno; {@code last} is the bio that completed
 * last (its timestamps give the per-layer breakdown), or null when no device I/O was needed.
 */
@FunctionalInterface
public interface IoDone {
    void done(long result, Bio last);
}
