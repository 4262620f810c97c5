package io.stacksim.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The invariants {@code --check} verifies while a run goes, layer by layer: each layer holds
 * the {@link Rule}s it can break and reports every check it makes and every breach. A run
 * without {@code --check} has no Invariants at all ({@link Simulator#invariants()} is null), so
 * the checks cost one null test where they would be made. Checking only reads the model's
 * state: it schedules nothing and draws no random number, so it never changes a figure.
 */
public final class Invariants {
    /** Messages kept per rule (the count goes on). */
    private static final int KEPT = 5;

    private final Map<String, Rule> rules = new LinkedHashMap<>();

    /** The rule {@code name} ("layer.what"), with the kernel rule it stands for; made on first use. */
    public Rule rule(String name, String meaning) {
        return rules.computeIfAbsent(name, n -> new Rule(n, meaning));
    }

    /** Every rule any layer made, in the order they were made. */
    public List<Rule> rules() {
        return List.copyOf(rules.values());
    }

    /** Breaches of all rules. */
    public long violations() {
        long n = 0;
        for (Rule r : rules.values()) {
            n += r.violations;
        }
        return n;
    }

    /** "rule: message" for the first breaches of each rule. */
    public List<String> messages() {
        List<String> out = new ArrayList<>();
        for (Rule r : rules.values()) {
            for (String m : r.messages) {
                out.add(r.name + ": " + m);
            }
            if (r.violations > r.messages.size()) {
                out.add(r.name + ": ... " + (r.violations - r.messages.size()) + " more");
            }
        }
        return out;
    }

    /** One invariant: how often it was checked and how often it failed. */
    public static final class Rule {
        private final String name;
        private final String meaning;
        private long checked;
        private long violations;
        private final List<String> messages = new ArrayList<>();

        private Rule(String name, String meaning) {
            this.name = name;
            this.meaning = meaning;
        }

        /** One check that held. */
        public void ok() {
            checked++;
        }

        /** {@code n} checks that held (an audit's). */
        public void ok(long n) {
            checked += n;
        }

        /** One check that failed; {@code message} says what was seen. */
        public void fail(String message) {
            checked++;
            violations++;
            if (messages.size() < KEPT) {
                messages.add(message);
            }
        }

        /** Checks {@code holds}; on failure records {@code message}. */
        public void check(boolean holds, String message) {
            if (holds) {
                ok();
            } else {
                fail(message);
            }
        }

        public String name() {
            return name;
        }

        public String meaning() {
            return meaning;
        }

        public long checked() {
            return checked;
        }

        public long violations() {
            return violations;
        }
    }
}
