package io.stacksim.devices.ssd;

import java.util.Locale;

/**
 * How garbage collection picks its victim among a plane's closed blocks: the set MQSim offers
 * (Tavakkol et al., FAST 2018, s4: GREEDY, RGA, RANDOM, FIFO) plus cost-benefit and windowed
 * greedy. Written in config as {@code greedy}, {@code cost-benefit}, {@code random},
 * {@code d-choices:D} (MQSim's RGA: the best of D random blocks), {@code windowed:W} (greedy
 * over the W least recently written blocks; Hu et al., "Write amplification analysis in
 * flash-based solid state drives", SYSTOR 2009) and {@code fifo} (least recently written first).
 */
public sealed interface GcPolicy {
    /** Fewest valid units (Bux and Iliadis 2010): the FTL's bucket index finds it in O(1). */
    record Greedy() implements GcPolicy {
        @Override
        public String spec() {
            return "greedy";
        }
    }

    /**
     * Kawaguchi et al.'s cost-benefit (USENIX 1995, after Rosenblum and Ousterhout's LFS): the
     * block maximising age x (1 - u) / 2u, u its valid share, age the writes since it closed.
     */
    record CostBenefit() implements GcPolicy {
        @Override
        public String spec() {
            return "cost-benefit";
        }
    }

    /** A closed block chosen uniformly at random. */
    record Random() implements GcPolicy {
        @Override
        public String spec() {
            return "random";
        }
    }

    /** Randomized greedy (MQSim's RGA; Van Houdt's d-choices): the fewest-valid of d random closed blocks. */
    record DChoices(int d) implements GcPolicy {
        public DChoices {
            if (d < 1) {
                throw new IllegalArgumentException("d-choices needs d >= 1");
            }
        }

        @Override
        public String spec() {
            return "d-choices:" + d;
        }
    }

    /** Greedy over the window of the {@code w} least recently closed blocks. */
    record Windowed(int w) implements GcPolicy {
        public Windowed {
            if (w < 1) {
                throw new IllegalArgumentException("windowed greedy needs a window >= 1");
            }
        }

        @Override
        public String spec() {
            return "windowed:" + w;
        }
    }

    /** The least recently closed block (LRW, a circular log). */
    record Fifo() implements GcPolicy {
        @Override
        public String spec() {
            return "fifo";
        }
    }

    /** The policy's config form. */
    String spec();

    /** Parses a policy; throws IllegalArgumentException naming the expected forms. */
    static GcPolicy parse(String spec) {
        String s = spec.trim().toLowerCase(Locale.ROOT);
        String[] p = s.split(":");
        try {
            switch (p[0]) {
                case "greedy":
                    return new Greedy();
                case "cost-benefit":
                case "cost_benefit":
                    return new CostBenefit();
                case "random":
                    return new Random();
                case "fifo":
                    return new Fifo();
                case "d-choices":
                case "rga":
                    return new DChoices(p.length > 1 ? Integer.parseInt(p[1]) : 5);
                case "windowed":
                    return new Windowed(p.length > 1 ? Integer.parseInt(p[1]) : 16);
                default:
                    break;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("expected greedy, cost-benefit, random, d-choices:D, windowed:W or fifo, got '"
                + spec + "'");
    }
}
