package org.samplex.sweep;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samplex.experiment.IoErrors;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * A plan file read into scalars (kept as text), lists and maps, each with the line it starts on, so that a
 * mistake found later is reported as "plan.yaml line 7, key 'N': ...". YAML 1.2 (snakeyaml-engine); JSON is
 * YAML, so the plan.json a sweep saves reads back too.
 *
 * @param value  a String (a scalar; null for YAML's null), a {@code List<PlanNode>} or a {@code Map<String, PlanNode>}
 * @param source the file name, for messages
 * @param line   the 1-based line the value starts on; 0 for values that come from flags
 */
record PlanNode(Object value, String source, int line) {

    /** A value given on the command line, not in a file. */
    static PlanNode flag(Object value) {
        return new PlanNode(value, "command line", 0);
    }

    /**
     * Reads a plan file.
     *
     * @throws IllegalArgumentException for a file that is not YAML (naming the line), is empty, or repeats a key
     */
    static PlanNode read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // A plan the user named that cannot be read is bad input (exit 2), whatever the reason.
            throw new IllegalArgumentException("cannot read the plan " + file + ": " + IoErrors.cause(e), e);
        }
        return parse(text, file.getFileName().toString());
    }

    /** Reads plan text; {@code source} names it in messages. */
    static PlanNode parse(String text, String source) {
        LoadSettings settings = LoadSettings.builder().setLabel(source).setAllowDuplicateKeys(false).build();
        Node root;
        try {
            root = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, text))).getSingleNode()
                    .orElse(null);
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            String where = mark == null ? source : source + " line " + (mark.getLine() + 1);
            throw new IllegalArgumentException(where + ": not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage());
        }
        if (root == null) {
            throw new IllegalArgumentException(source + ": the plan is empty");
        }
        return convert(root, source);
    }

    private static PlanNode convert(Node node, String source) {
        int line = node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        return switch (node) {
            case ScalarNode s -> new PlanNode(isNull(s) ? null : s.getValue(), source, line);
            case SequenceNode s -> {
                List<PlanNode> items = new ArrayList<>();
                for (Node item : s.getValue()) {
                    items.add(convert(item, source));
                }
                yield new PlanNode(items, source, line);
            }
            case MappingNode m -> {
                Map<String, PlanNode> entries = new LinkedHashMap<>();
                for (NodeTuple t : m.getValue()) {
                    PlanNode key = convert(t.getKeyNode(), source);
                    if (!(key.value() instanceof String k)) {
                        throw new IllegalArgumentException(key.where() + ": a key must be a plain word");
                    }
                    if (entries.put(k, convert(t.getValueNode(), source)) != null) {
                        throw new IllegalArgumentException(key.where() + ", key '" + k + "': given twice");
                    }
                }
                yield new PlanNode(entries, source, line);
            }
            default -> throw new IllegalArgumentException(source + " line " + line
                    + ": unsupported YAML node " + node.getNodeType());
        };
    }

    private static boolean isNull(ScalarNode s) {
        return s.isPlain() && (s.getValue().isEmpty() || s.getValue().equals("null") || s.getValue().equals("~"));
    }

    /** "plan.yaml line 7", or "command line". */
    String where() {
        return line > 0 ? source + " line " + line : source;
    }

    /**
     * An error about this value under {@code key}: "plan.yaml line 7, key 'N': message", or for a flag
     * "option '--N': message" (plan keys are the flags' names, but for the options: key "task-options.q" is
     * "--task-option q").
     */
    IllegalArgumentException error(String key, String message) {
        if (line == 0) {
            String flag = key.replaceFirst("^(task|learner)-options\\.?", "$1-option ").strip();
            return new IllegalArgumentException("option '--" + flag + "': " + message);
        }
        return new IllegalArgumentException(where() + ", key '" + key + "': " + message);
    }
}
