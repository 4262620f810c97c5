package io.stacksim.experiment.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.stacksim.config.ConfigNode;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulationTest {

    private static RunResult run(String yaml) {
        return Simulation.run(ConfigNode.parseYaml(new StringReader(yaml), "t.yaml"));
    }

    private static double d(Map<String, Number> m, String k) {
        assertThat(m).containsKey(k);
        return m.get(k).doubleValue();
    }

    @Test
    void perLayerTimesAddUpToTheMeanLatency() {
        RunResult r = run("""
                device: {profile: latency-100us, read_time: exp:80us, servers: 4}
                block: {scheduler: none}
                workload: {rw: randread, size: 256m, ioengine: libaio, iodepth: 16, direct: 1, number_ios: 20000}
                """);
        Map<String, Number> m = r.metrics();
        double sum = d(m, "lat.layer.cpu_us") + d(m, "lat.layer.queue_us") + d(m, "lat.layer.device_queue_us")
                + d(m, "lat.layer.media_us") + d(m, "lat.layer.transfer_us") + d(m, "lat.layer.device_overhead_us")
                + d(m, "lat.layer.completion_us");
        assertThat(sum).isCloseTo(d(m, "lat.read.mean_us"), within(1e-6));
        assertThat(d(m, "lat.layer.media_us")).isCloseTo(80, within(2.0));
        // 4 KiB over PCIe gen3 x4 (3.938 GB/s): 1.04 us per transfer.
        assertThat(d(m, "lat.layer.transfer_us")).isCloseTo(4096 / 3.938e9 * 1e6, within(0.01));
    }

    @Test
    void syncDirectReadAtDepthOneIsDeviceTimePlusTheCostModelsKernelPath() {
        RunResult r = run("""
                os: {mode_switch: 100ns, vfs_call: 200ns, dio_page_pin: 100ns, block_submit: 1us,
                     hardirq: 500ns, softirq: 1us, context_switch: 3us}
                device: {profile: latency-100us, link_bandwidth: 0}
                block: {scheduler: none}
                workload: {rw: randread, size: 64m, ioengine: psync, direct: 1, number_ios: 1000}
                """);
        Map<String, Number> m = r.metrics();
        // entry switch + vfs + pin + submit, device 100 us, irq 1.5 us, switch-in 3 us, exit switch.
        double expectedUs = (100 + 200 + 100 + 1000) / 1e3 + 100 + 1.5 + 3 + 0.1;
        assertThat(d(m, "lat.read.mean_us")).isCloseTo(expectedUs, within(1e-6));
        assertThat(d(m, "lat.read.p99_us")).isCloseTo(expectedUs, within(expectedUs * 0.001));
        // One pread = one syscall, two mode switches, one voluntary context switch, one DMA.
        // As fio opens a file when get_next_file first chooses it, the job's openat, its
        // invalidate and fadvise hint (two fadvise64) are in the run, and it ends with close(2).
        assertThat(m.get("os.syscalls.pread64").longValue()).isEqualTo(1000);
        assertThat(m.get("os.syscalls.openat").longValue()).isEqualTo(1);
        assertThat(m.get("os.syscalls.fadvise64").longValue()).isEqualTo(2);
        assertThat(m.get("os.syscalls.close").longValue()).isEqualTo(1);
        assertThat(m.get("os.mode_switches").longValue()).isEqualTo(2 * (1000 + 1 + 2 + 1));
        assertThat(m.get("os.context_switches.voluntary").longValue()).isEqualTo(1000);
        assertThat(m.get("diskstats.read.ios").longValue()).isEqualTo(1000);
    }

    @Test
    void littlesLawHoldsForTheDeviceQueue() {
        RunResult r = run("""
                device: {profile: latency-100us, read_time: exp:100us, servers: 2}
                block: {scheduler: none}
                workload: {rw: randread, size: 256m, ioengine: libaio, iodepth: 8, direct: 1, number_ios: 50000}
                """);
        Map<String, Number> m = r.metrics();
        // aqu-sz (mean requests in flight) = completion rate x mean time in flight (r_await).
        double l = d(m, "iostat.aqu_sz");
        double lambda = d(m, "iostat.r_s");
        double w = d(m, "iostat.r_await_ms") / 1e3;
        assertThat(l).isCloseTo(lambda * w, within(l * 0.01));
    }
}
