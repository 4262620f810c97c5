package io.stacksim.cli;

import io.stacksim.experiment.run.RunResult;
import java.io.PrintWriter;
import java.util.List;

/**
 * What {@code --check} found, on standard error, so that standard output (the figures) is the
 * same with and without it: one line per rule with the checks made and breaches found, then
 * the breaches. The exit code is 1 when any invariant broke (a fault of the model, not of the
 * input).
 */
final class CheckReport {
    private CheckReport() {
    }

    /** Prints the checks of {@code runs} (summed by rule) and returns the exit code they call for. */
    static int print(PrintWriter err, String what, List<RunResult> runs) {
        java.util.Map<String, long[]> byRule = new java.util.LinkedHashMap<>();
        java.util.Map<String, String> meaning = new java.util.LinkedHashMap<>();
        List<String> violations = new java.util.ArrayList<>();
        for (RunResult r : runs) {
            for (String line : r.checksMade()) {
                String[] f = line.trim().split("\\s+", 6);
                long[] c = byRule.computeIfAbsent(f[0], k -> new long[2]);
                c[0] += Long.parseLong(f[1]);
                c[1] += Long.parseLong(f[3]);
                meaning.putIfAbsent(f[0], f.length > 5 ? f[5] : "");
            }
            violations.addAll(r.checkViolations());
        }
        long checks = byRule.values().stream().mapToLong(c -> c[0]).sum();
        err.printf("check: %s: %d invariant violations in %d checks of %d rules over %d run%s%n", what, violations.size(),
                checks, byRule.size(), runs.size(), runs.size() == 1 ? "" : "s");
        for (var e : byRule.entrySet()) {
            err.printf(java.util.Locale.ROOT, "check:   %-32s %12d checks %6d violations  %s%n", e.getKey(),
                    e.getValue()[0], e.getValue()[1], meaning.get(e.getKey()));
        }
        for (String v : violations.subList(0, Math.min(violations.size(), 50))) {
            err.println("check: violation: " + v);
        }
        err.flush();
        return violations.isEmpty() ? 0 : 1;
    }
}
