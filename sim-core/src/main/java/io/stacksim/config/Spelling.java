package io.stacksim.config;

import java.util.Locale;

/** "Did you mean" for misspelt names: the closest candidate by Levenshtein distance. */
public final class Spelling {
    private Spelling() {
    }

    /**
     * The candidate closest to {@code name} (case-insensitive; the first of equally close
     * ones), or null when none is within {@code maxDistance} edits.
     */
    public static String closest(String name, Iterable<String> candidates, int maxDistance) {
        String key = name.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDist = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(key, c.toLowerCase(Locale.ROOT));
            if (d < bestDist) {
                bestDist = d;
                best = c;
            }
        }
        return bestDist <= maxDistance ? best : null;
    }

    /** Levenshtein distance: insertions, deletions and substitutions, two rows at a time. */
    public static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
