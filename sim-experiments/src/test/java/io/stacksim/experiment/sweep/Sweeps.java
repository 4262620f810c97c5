package io.stacksim.experiment.sweep;

import java.io.StringReader;

/** Small sweeps for tests: short runs on fast devices. */
public final class Sweeps {
    private Sweeps() {
    }

    public static SweepSpec parse(String yaml) {
        return SweepFile.read(new StringReader(yaml), "test-sweep.yaml", null, "test", false);
    }

    public static SweepSpec parseQuick(String yaml) {
        return SweepFile.read(new StringReader(yaml), "test-sweep.yaml", null, "test", true);
    }

    /** 16 points x 2 replications of 1500 4 KiB reads: the ramdisk and the 100 us device at 8 depths. */
    public static final String SIXTEEN_POINTS = """
            name: sixteen
            seed: 11
            replications: 2
            base:
              block: {scheduler: none}
              workload: {rw: randread, bs: 4k, size: 64m, ioengine: libaio, direct: 1, number_ios: 1500}
            axes:
              - name: device
                values:
                  - {label: ramdisk, set: {device.profile: ramdisk}}
                  - {label: slow, set: {device.profile: latency-100us, device.servers: 4}}
              - {name: iodepth, path: workload.iodepth, range: {from: 1, to: 128, factor: 2}}
            metrics: [iops.total, lat.read.mean_us]
            """;
}
