package io.stacksim.experiment.run;

import io.stacksim.config.ConfigNode;
import io.stacksim.workload.JobSpec;
import io.stacksim.workload.JobStats;
import io.stacksim.workload.fio.JobFile;
import io.stacksim.workload.fio.JobFileParser;
import io.stacksim.workload.fio.JobTranslator;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** fio job text run on a stack given as YAML text, as `stacksim fio` runs a job file (400 ns of fio per I/O). */
final class FioHarness {
    /** A device with 8 parallel 100 us servers, so queue depth shows. */
    static final String STACK = "device: {profile: latency-100us, servers: 8}\nblock: {scheduler: none}\n";

    private FioHarness() {
    }

    static RunResult run(Path dir, String stack, String jobs) {
        return run(dir, stack, jobs, null);
    }

    /** As above, the status line shown to {@code progress} (null: none). */
    static RunResult run(Path dir, String stack, String jobs, Simulation.Progress progress) {
        JobFile f = new JobFileParser(k -> null, new JobFileParser.Keywords(4096, 8192, 2), dir)
                .parse(jobs, "t.fio", dir);
        List<JobSpec> specs = new ArrayList<>();
        for (JobFile.Section s : f.jobs()) {
            specs.add(JobTranslator.translate(s.name(), f.effectiveOptions(s), s.options(), false, null).spec());
        }
        ConfigNode root = ConfigNode.parseYaml(new StringReader(stack), "stack.yaml");
        return Simulation.run(root, specs, 400, null, false, false, dir, progress);
    }

    /** The statistics of job {@code name}. */
    static JobStats job(RunResult r, String name) {
        return r.jobs().stream().filter(j -> j.spec().name().equals(name)).findFirst().orElseThrow().stats();
    }
}
