package io.stacksim.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.stacksim.experiment.run.JobSummary;
import io.stacksim.experiment.run.RunResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's result as JSON: version, seed, the resolved config, every metric by dotted name and
 * the jobs. Nothing in it depends on the wall clock, so equal seeds give equal bytes.
 */
public final class JsonResult {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private JsonResult() {
    }

    public static Map<String, Object> tree(RunResult r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("stacksim", Version.get());
        root.put("seed", r.seed());
        root.put("device", r.device());
        root.put("config", r.config());
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (JobSummary j : r.jobs()) {
            Map<String, Object> jm = new LinkedHashMap<>();
            jm.put("jobname", j.spec().name());
            jm.put("jobs", j.jobs());
            jm.put("rw", j.spec().rw().fioName());
            jm.put("bs", j.spec().bs());
            jm.put("ioengine", j.spec().ioengine());
            jm.put("iodepth", j.spec().iodepth());
            jm.put("direct", j.spec().direct() ? 1 : 0);
            jm.put("runtime_ns", j.stats().runtimeNs());
            jobs.add(jm);
        }
        root.put("jobs", jobs);
        root.put("metrics", r.metrics());
        // --check's findings go to standard error (CheckReport): the output is the same with and without it.
        return root;
    }

    public static String format(RunResult r) {
        try {
            return MAPPER.writeValueAsString(tree(r)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
