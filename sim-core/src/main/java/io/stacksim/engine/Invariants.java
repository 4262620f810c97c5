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
    /** The simulated time a breach is dated with (none until a simulator checks into this). */
    private java.util.function.LongSupplier clock = () -> -1;

    /** Dates every breach with {@code clock}'s simulated time (the simulator checking into this). */
    public void clock(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }

    /** The rule {@code name} ("layer.what"), with the kernel rule it stands for; made on first use. */
    public Rule rule(String name, String meaning) {
        return rules.computeIfAbsent(name, n -> new Rule(n, meaning, this));
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
        private final Invariants owner;

        private Rule(String name, String meaning, Invariants owner) {
            this.name = name;
            this.meaning = meaning;
            this.owner = owner;
        }

        /** One check that held. */
        public void ok() {
            checked++;
        }

        /** {@code n} checks that held (an audit's). */
        public void ok(long n) {
            checked += n;
        }

        /** One check that failed; {@code message} says what was seen (dated with the simulated time unless it is). */
        public void fail(String message) {
            checked++;
            violations++;
            if (messages.size() < KEPT) {
                long t = owner.clock.getAsLong();
                messages.add(t < 0 || message.startsWith("at ") ? message
                        : String.format(java.util.Locale.ROOT, "at %.6f s: %s", t / 1e9, message));
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
