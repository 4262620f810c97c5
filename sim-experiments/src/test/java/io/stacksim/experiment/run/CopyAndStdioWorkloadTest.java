package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacksim.config.ConfigNode;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code workload.copy} and {@code workload.stdio} sections, checked against the kernel's and glibc's rules. */
class CopyAndStdioWorkloadTest {

    private static Map<String, Number> run(String yaml) {
        return Simulation.run(ConfigNode.parseYaml(new StringReader(yaml), "test.yaml")).metrics();
    }

    @Test
    void sendfileToAGatheringNicMakesNoCpuCopyAndTwoModeSwitchesPerCall() {
        Map<String, Number> m = run("""
                net: {scatter_gather: true}
                workload:
                  copy: {method: sendfile, unit: 64k, file_size: 4m}
                """);
        assertThat(m.get("copy.units").longValue()).isEqualTo(64);
        assertThat(m.get("copy.mode_switches_per_unit").doubleValue()).isEqualTo(2.0);
        assertThat(m.get("copy.cpu_copies").doubleValue()).isEqualTo(0.0);
        assertThat(m.get("copy.dma_copies").doubleValue()).isEqualTo(2.0); // cold: disk -> cache, cache -> NIC
    }

    @Test
    void readWriteFromAWarmCacheCopiesTwiceByCpuAndOnceByDma() {
        Map<String, Number> m = run("""
                workload:
                  copy: {method: read_write, unit: 64k, file_size: 4m, warm: true}
                """);
        assertThat(m.get("copy.mode_switches_per_unit").doubleValue()).isEqualTo(4.0);
        assertThat(m.get("copy.cpu_copies").doubleValue()).isEqualTo(2.0);
        assertThat(m.get("copy.dma_copies").doubleValue()).isEqualTo(1.0);
        assertThat(m.get("copy.cpu_copies").doubleValue()).isEqualTo(m.get("copy.expected.cpu_copies").doubleValue());
    }

    @Test
    void smallFreadsBecomeOneReadPerBufferful() {
        // glibc _IO_file_xsgetn: 100-byte freads are served from the buffer, refilled by one
        // read(2) of the buffer's size: 1 MiB / 8 KiB = 128 system calls.
        Map<String, Number> m = run("""
                workload:
                  stdio: {rw: read, size: 1m, call_size: 100, buffer: 8k, warm: true}
                """);
        assertThat(m.get("stdio.calls").longValue()).isEqualTo((1 << 20) / 100 + 1);
        assertThat(m.get("stdio.syscalls").longValue()).isEqualTo(128);
    }

    @Test
    void theDefaultBufferIsTheBlockSizeAndLargeWritesBypassIt() {
        Map<String, Number> small = run("""
                workload:
                  stdio: {rw: write, size: 1m, call_size: 10}
                """);
        assertThat(small.get("stdio.buffer_bytes").longValue()).isEqualTo(4096); // st_blksize 4096 < BUFSIZ
        assertThat(small.get("stdio.syscalls").longValue()).isEqualTo(256);
        // _IO_new_file_xsputn: a 16 KiB fwrite with a 1 KiB buffer goes straight to write(2).
        Map<String, Number> large = run("""
                workload:
                  stdio: {rw: write, size: 1m, call_size: 16k, buffer: 1k}
                """);
        assertThat(large.get("stdio.syscalls").longValue()).isEqualTo(64);
    }
}
