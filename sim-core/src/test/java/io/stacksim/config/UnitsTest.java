package io.stacksim.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void sizesFollowFiosDefaultBinaryBase() {
        assertThat(Units.parseSize("4096")).isEqualTo(4096);
        assertThat(Units.parseSize("4k")).isEqualTo(4096);
        assertThat(Units.parseSize("4K")).isEqualTo(4096);
        assertThat(Units.parseSize("4KiB")).isEqualTo(4096);
        assertThat(Units.parseSize("128KB")).isEqualTo(128 * 1024);
        assertThat(Units.parseSize("1g")).isEqualTo(1L << 30);
        assertThat(Units.parseSize("1.5m")).isEqualTo(3L << 19);
        assertThat(Units.parseSize("512b")).isEqualTo(512);
        assertThatThrownBy(() -> Units.parseSize("4q")).hasMessageContaining("unknown size unit");
    }

    @Test
    void durationsTakeTheirUnitOrTheCallersBareUnit() {
        assertThat(Units.parseDuration("500ms", 1)).isEqualTo(500_000_000L);
        assertThat(Units.parseDuration("10us", 1)).isEqualTo(10_000L);
        assertThat(Units.parseDuration("2", 1_000_000_000L)).isEqualTo(2_000_000_000L);
        assertThat(Units.parseDuration("1m", 1)).isEqualTo(60_000_000_000L);
    }

    @Test
    void ratesUseDecimalUnitsAndBitsAsDatasheetsDo() {
        assertThat(Units.parseRate("550MB/s")).isEqualTo(550e6);
        assertThat(Units.parseRate("6Gb/s")).isEqualTo(0.75e9);
        assertThat(Units.parseRate("1GiB/s")).isEqualTo(1024.0 * 1024 * 1024);
    }
}
