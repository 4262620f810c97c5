package io.stacksim.block;

/** Completion callback of a bio ({@code bi_end_io}); runs in interrupt context. */
@FunctionalInterface
public interface BioEndIo {
    void endIo(Bio bio);
}
