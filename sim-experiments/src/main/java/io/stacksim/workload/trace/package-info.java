/**
 * Block-trace readers, one per format, chosen by name from
 * {@link io.stacksim.workload.trace.TraceFormats#ALL}: blkparse text, MSR Cambridge, DiskSim ascii,
 * plain CSV.
 *
 * <p>Contract: a reader yields one record at a time (constant memory); a malformed line is a
 * one-line error with file and line. Entry point:
 * {@link io.stacksim.workload.trace.TraceReader#open}.
 */
package io.stacksim.workload.trace;
