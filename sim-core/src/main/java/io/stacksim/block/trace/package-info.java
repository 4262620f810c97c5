/**
 * Block traces written as blkparse text ({@link io.stacksim.block.trace.BlkparseWriter}), fed by
 * the queue's {@link io.stacksim.block.BlockTrace} events (Q, X, G, P, M, F, I, D, C, U, T).
 *
 * <p>Contract: the file is replaced atomically when the run ends. Entry point:
 * {@link io.stacksim.block.trace.BlkparseWriter}.
 */
package io.stacksim.block.trace;
