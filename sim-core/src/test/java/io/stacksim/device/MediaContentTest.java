package io.stacksim.device;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What VERIFY with BYTCHK compares against (SBC-3 5.32: the device reads the medium and compares
 * it with the data-out buffer): never-written blocks read as zeroes, a write leaves its data,
 * a later write over part of a run replaces only that part.
 */
class MediaContentTest {
    @Test
    void blocksHoldWhatWasLastWrittenThereAndZeroesElsewhere() {
        MediaContent m = new MediaContent();
        assertThat(m.firstMismatch(0, 100, DeviceCommand.ZEROES)).isEqualTo(-1);
        m.put(0, 20, 7);
        assertThat(m.firstMismatch(0, 20, 7)).isEqualTo(-1);
        assertThat(m.firstMismatch(0, 21, 7)).isEqualTo(20);
        assertThat(m.firstMismatch(0, 20, DeviceCommand.ZEROES)).isZero();
        m.put(5, 10, DeviceCommand.ZEROES); // WRITE SAME with NDOB inside the run
        assertThat(m.firstMismatch(0, 20, 7)).isEqualTo(5);
        assertThat(m.firstMismatch(5, 10, DeviceCommand.ZEROES)).isEqualTo(-1);
        assertThat(m.firstMismatch(10, 20, 7)).isEqualTo(-1);
        assertThat(m.runs()).isEqualTo(2);
        m.put(5, 10, 7); // the run is whole again, one entry
        assertThat(m.runs()).isEqualTo(1);
        assertThat(m.firstMismatch(0, 20, 7)).isEqualTo(-1);
    }

    @Test
    void unknownDataNeverCompares() {
        MediaContent m = new MediaContent();
        m.unknown(8, 16);
        assertThat(m.firstMismatch(0, 16, DeviceCommand.ZEROES)).isEqualTo(8);
        assertThat(m.firstMismatch(0, 8, DeviceCommand.UNKNOWN)).isZero();
    }
}
