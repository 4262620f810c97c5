package io.stacksim.workload.fio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * fio's value syntax. The size cases were checked against fio 3.33 on this machine
 * ({@code fio --ioengine=null --size=V --bs=1}, reading io_bytes back).
 */
class FioValuesTest {

    @Test
    void sizeSuffixesFollowKbBase1024WithTheFullIecSpellingsInverted() {
        assertThat(FioValues.size("4k", 1024)).isEqualTo(4096);
        assertThat(FioValues.size("1kb", 1024)).isEqualTo(1024);
        assertThat(FioValues.size("1m", 1024)).isEqualTo(1 << 20);
        assertThat(FioValues.size("2g", 1024)).isEqualTo(2L << 30);
        assertThat(FioValues.size("1KiB", 1024)).isEqualTo(1000);
        assertThat(FioValues.size("1MiB", 1024)).isEqualTo(1_000_000);
        // "mi" is matched by its first letter, as fio's strncmp does: 1mi = 1048576, 1000ki = 1024000.
        assertThat(FioValues.size("1mi", 1024)).isEqualTo(1_048_576);
        assertThat(FioValues.size("1000ki", 1024)).isEqualTo(1_024_000);
        assertThat(FioValues.size("1Mi", 1024)).isEqualTo(1_048_576);
        assertThat(FioValues.size("512b", 1024)).isEqualTo(512);
        assertThat(FioValues.size("0x1000", 1024)).isEqualTo(4096);
    }

    @Test
    void kbBase1000MakesTheShortSuffixesDecimalAndTheIecOnesBinary() {
        assertThat(FioValues.size("1k", 1000)).isEqualTo(1000);
        assertThat(FioValues.size("1KiB", 1000)).isEqualTo(1024);
        assertThat(FioValues.size("1mi", 1000)).isEqualTo(1_000_000);
        assertThat(FioValues.size("1MiB", 1000)).isEqualTo(1 << 20);
    }

    @Test
    void percentagesAreKeptForTheFileOrDeviceToResolve() {
        var s = FioValues.sizeOrPercent("20%", 1024);
        assertThat(s.isPercent()).isTrue();
        assertThat(s.resolve(1000)).isEqualTo(200);
        assertThatThrownBy(() -> FioValues.size("20%", 1024)).hasMessageContaining("not a percentage");
    }

    @Test
    void malformedSizesSayWhatWasExpected() {
        assertThatThrownBy(() -> FioValues.size("4q", 1024)).hasMessageContaining("expected a size such as 4k");
        assertThatThrownBy(() -> FioValues.size("1.5k", 1024)).hasMessageContaining("fraction");
        assertThatThrownBy(() -> FioValues.size("", 1024)).hasMessageContaining("expected a size");
    }

    @Test
    void timesUseTheOptionsDefaultUnitWithoutASuffix() {
        assertThat(FioValues.timeUs("2", 1_000_000)).isEqualTo(2_000_000);      // runtime: seconds
        assertThat(FioValues.timeUs("200", 1)).isEqualTo(200);                 // thinktime: usec
        assertThat(FioValues.timeUs("500ms", 1_000_000)).isEqualTo(500_000);
        assertThat(FioValues.timeUs("2m", 1_000_000)).isEqualTo(120_000_000L);
        assertThat(FioValues.timeUs("10us", 1_000_000)).isEqualTo(10);
        assertThatThrownBy(() -> FioValues.timeUs("3fortnights", 1)).hasMessageContaining("expected a time");
    }

    @Test
    void parenthesisedArithmeticEvaluatesWithUnitsAndMicrosecondsForBareTimes() {
        assertThat(FioValues.size("(2*4k)", 1024)).isEqualTo(8192);
        assertThat(FioValues.size("((1+3)*1m-4k)", 1024)).isEqualTo(4L * (1 << 20) - 4096);
        assertThat(FioValues.size("(2^10)", 1024)).isEqualTo(1024);
        assertThat(FioValues.integer("(7%4)")).isEqualTo(3);
        // HOWTO: "For time values in expressions, units are microseconds by default".
        assertThat(FioValues.timeUs("(1000)", 1_000_000)).isEqualTo(1000);
        assertThat(FioValues.timeUs("(1s+500ms)", 1_000_000)).isEqualTo(1_500_000);
        assertThatThrownBy(() -> FioValues.size("(2*4k", 1024)).hasMessageContaining("missing ')'");
    }

    @Test
    void perDirectionListsFillLaterDirectionsUnlessATrailingCommaStopsThem() {
        assertThat(FioValues.perDirection("8k", true)).containsExactly("8k", "8k", "8k");
        assertThat(FioValues.perDirection("8k,32k", true)).containsExactly("8k", "32k", "32k");
        assertThat(FioValues.perDirection("8k,32k,", true)).containsExactly("8k", "32k", null);
        assertThat(FioValues.perDirection(",8k", true)).containsExactly(null, "8k", "8k");
        assertThat(FioValues.perDirection("1k,2k,3k", true)).containsExactly("1k", "2k", "3k");
        // Without a comma, fio also splits int lists at ':' (parse.c handle_option).
        assertThat(FioValues.perDirection("4k:8k", true)).containsExactly("4k", "8k", "8k");
        assertThatThrownBy(() -> FioValues.perDirection("1,2,3,4", true)).hasMessageContaining("at most three");
    }

    @Test
    void rangesAcceptDashOrColonAndSwapReversedEnds() {
        assertThat(FioValues.range("4k-32k", 1024)).containsExactly(4096, 32768);
        assertThat(FioValues.range("32k:4k", 1024)).containsExactly(4096, 32768);
        assertThatThrownBy(() -> FioValues.range("4k", 1024)).hasMessageContaining("expected a range");
    }
}
