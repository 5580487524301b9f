package org.samplex.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The names a mistyped word may have meant: the command's options (for a word that starts with '-') or its
 * subcommands. A name matches when it differs only in case ({@code --n} for {@code --N}), is one or two edits away
 * (insertions, deletions, substitutions, swaps of neighbours; {@code --treshold} for {@code --threshold},
 * {@code --learners} for {@code --learner}; words of three letters or more), or starts with the word's first four letters or more. picocli's own
 * suggestions compare letter pairs and offered {@code --train-set} for {@code --treshold}.
 */
final class Suggestions {

    private Suggestions() {
    }

    /** "Did you mean ...?" for each unmatched word that resembles a name; nothing when none does. */
    static void print(CommandSpec spec, List<String> unmatched, PrintWriter err) {
        for (String word : unmatched) {
            List<String> close = of(word, word.startsWith("-") ? spec.optionsMap().keySet()
                    : spec.subcommands().keySet());
            if (!close.isEmpty()) {
                err.println("Did you mean " + (close.size() == 1 ? close.getFirst()
                        : "one of " + String.join(", ", close)) + "?");
            }
        }
    }

    /** The names that {@code word} (its "=value" left out) may have meant, best first. */
    static List<String> of(String word, Collection<String> names) {
        String w = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
        String bare = w.replaceFirst("^-+", "").toLowerCase(Locale.ROOT);
        if (bare.isEmpty()) {
            return List.of();
        }
        TreeSet<String> exact = new TreeSet<>();
        TreeSet<String> near = new TreeSet<>();
        for (String name : names) {
            String n = name.replaceFirst("^-+", "").toLowerCase(Locale.ROOT);
            if (n.equals(bare)) {
                exact.add(name);
            } else if (bare.length() >= 3 && distance(bare, n) <= Math.min(2, Math.max(1, bare.length() / 4))
                    || (bare.length() >= 4 && n.startsWith(bare))) {
                near.add(name);
            }
        }
        List<String> out = new ArrayList<>(exact);
        out.addAll(near);
        return out;
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
