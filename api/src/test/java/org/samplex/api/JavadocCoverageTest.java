package org.samplex.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public type in an exported package of the modules that are embedded as libraries (api, data, experiment,
 * backend-cpu, backend-cuda) has a Javadoc comment. The build has no javadoc tool offline, so this reads the sources
 * itself: a small scanner that skips comments and literals, follows braces, and checks that each public (or
 * protected) top-level or member type declaration is preceded by a {@code /** ... *}{@code /} comment, with only
 * annotations and modifiers between them. Types inside methods, anonymous classes and types of non-public
 * enclosing types are not API and are not checked.
 */
class JavadocCoverageTest {

    /** The modules whose exported packages must be documented. */
    private static final List<String> MODULES = List.of("api", "data", "experiment", "backend-cpu", "backend-cuda");

    private static final Pattern EXPORTS = Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)\\s*;");

    /** The repository root: the parent of this module's folder (the surefire working directory). */
    private static Path root() {
        Path api = Path.of("").toAbsolutePath();
        Path root = api.getParent();
        assertTrue(Files.isRegularFile(root.resolve("pom.xml")) && Files.isDirectory(root.resolve("experiment")),
                "run from the api module inside the samplex repository, got " + api);
        return root;
    }

    @Test
    void everyExportedPublicTypeHasJavadoc() throws IOException {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (String module : MODULES) {
            Path src = root().resolve(module).resolve("src/main/java");
            String info = Files.readString(src.resolve("module-info.java"));
            Matcher m = EXPORTS.matcher(stripComments(info));
            while (m.find()) {
                Path pkg = src.resolve(m.group(1).replace('.', '/'));
                List<Path> files;
                try (Stream<Path> list = Files.list(pkg)) {
                    files = list.filter(p -> p.toString().endsWith(".java")).sorted().toList();
                }
                for (Path f : files) {
                    Scan scan = scan(Files.readString(f));
                    checked += scan.checked();
                    scan.missing().forEach(t -> missing.add(root().relativize(f) + ": " + t));
                }
            }
        }
        assertTrue(checked > 50, "the scanner found the public types: " + checked);
        assertEquals(List.of(), missing, "public types in exported packages without a Javadoc comment");
    }

    @Test
    void theScannerFindsWhatIsMissingAndOnlyThat() {
        String source = """
                package p;

                import java.util.List;

                /** Documented, with an annotation between the comment and the class. */
                @SuppressWarnings({"unchecked", "rawtypes"})
                public final class Outer {
                    /* a block comment is not Javadoc */
                    public record Undocumented(int x) {
                        public Undocumented { if (x < 0) { throw new IllegalArgumentException("}"); } }
                    }

                    /** Fine. */
                    public interface Api {
                        enum ImplicitlyPublic { A, B { @Override public String toString() { return "{"; } } }
                    }

                    private static final class Hidden {
                        public static class NotApi {
                        }
                    }

                    static Object make() {
                        class Local {
                        }
                        String s = \"""
                            public class InAString {
                            \""";
                        char c = '{';
                        return new Object() { public String toString() { return Outer.class.getName() + c + s; } };
                    }

                    protected @interface Mark {
                    }
                }

                public class Second {
                }

                class PackagePrivate {
                    public class NotExported {
                    }
                }
                """;
        Scan scan = scan(source);
        assertEquals(List.of("line 9: Undocumented", "line 15: ImplicitlyPublic", "line 33: Mark", "line 37: Second"),
                scan.missing());
        assertEquals(6, scan.checked());
    }

    /** The exported types checked in one file and those without Javadoc ("line L: Name"). */
    record Scan(int checked, List<String> missing) {
    }

    /** A brace's scope: a type body (with whether its members are API, and whether it is an interface) or a block. */
    private record Frame(boolean type, boolean exported, boolean iface, boolean inParens) {
    }

    private static final Pattern IDENT = Pattern.compile("[A-Za-z_$][\\w$]*");

    /** Scans one compilation unit. */
    static Scan scan(String src) {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        Deque<Frame> frames = new ArrayDeque<>();
        boolean javadoc = false; // a Javadoc comment since the last ; { } at this level
        List<String> header = new ArrayList<>(); // tokens of the declaration being read
        String typeName = null;
        String typeKind = null;
        int typeLine = 0;
        int parens = 0;
        int line = 1;
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (src.startsWith("//", i)) {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (src.startsWith("/*", i)) {
                int end = src.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                if (src.startsWith("/**", i) && !src.startsWith("/**/", i)) {
                    javadoc = true;
                }
                line += count(src, i, end);
                i = end;
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                while (end > 0 && src.charAt(end - 1) == '\\') {
                    end = src.indexOf("\"\"\"", end + 1);
                }
                end = end < 0 ? n : end + 3;
                line += count(src, i, end);
                i = end;
                header.add("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c) {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                header.add("\"\"");
            } else if (Character.isJavaIdentifierStart(c)) {
                Matcher m = IDENT.matcher(src).region(i, n);
                m.lookingAt();
                String word = m.group();
                i = m.end();
                String previous = header.isEmpty() ? "" : header.getLast();
                header.add(word);
                if (parens == 0 && typeName == null && !previous.equals(".")) {
                    boolean keyword = word.equals("class") || word.equals("interface") || word.equals("enum");
                    if (word.equals("record")) {
                        keyword = recordDeclaration(src, i);
                    }
                    if (keyword) {
                        typeKind = previous.equals("@") ? "@interface" : word;
                        Matcher name = IDENT.matcher(src).region(skipSpace(src, i), n);
                        typeName = name.lookingAt() ? name.group() : "?";
                        typeLine = line;
                        Frame outer = frames.peek();
                        boolean memberLevel = outer == null || outer.type();
                        boolean explicitlyExposed = header.contains("public") || header.contains("protected");
                        boolean exposed = explicitlyExposed || (outer != null && outer.iface());
                        boolean exported = memberLevel && exposed && (outer == null || outer.exported());
                        if (exported) {
                            checked++;
                            if (!javadoc) {
                                missing.add("line " + typeLine + ": " + typeName);
                            }
                        }
                        header.add(exported ? "#exported" : "#hidden");
                    }
                }
            } else {
                i++;
                switch (c) {
                    case '(' -> parens++;
                    case ')' -> parens--;
                    case '{' -> {
                        if (parens > 0) {
                            frames.push(new Frame(false, false, false, true));
                        } else if (typeName != null) {
                            boolean iface = typeKind.equals("interface") || typeKind.equals("@interface");
                            frames.push(new Frame(true, header.contains("#exported"), iface, false));
                            typeName = null;
                        } else {
                            frames.push(new Frame(false, false, false, false));
                        }
                        if (parens == 0) {
                            javadoc = false;
                            header.clear();
                        }
                    }
                    case '}' -> {
                        Frame f = frames.isEmpty() ? null : frames.pop();
                        if (f == null || !f.inParens()) {
                            javadoc = false;
                            header.clear();
                            typeName = null;
                        }
                    }
                    case ';' -> {
                        if (parens == 0) {
                            javadoc = false;
                            header.clear();
                            typeName = null;
                        }
                    }
                    default -> header.add(String.valueOf(c));
                }
            }
        }
        return new Scan(checked, missing);
    }

    /** Whether the "record" just read starts a record declaration: a name, then '(' or '<'. */
    private static boolean recordDeclaration(String src, int after) {
        Matcher name = IDENT.matcher(src).region(skipSpace(src, after), src.length());
        if (skipSpace(src, after) == after || !name.lookingAt()) {
            return false;
        }
        int next = skipSpace(src, name.end());
        return next < src.length() && (src.charAt(next) == '(' || src.charAt(next) == '<');
    }

    private static int skipSpace(String src, int i) {
        while (i < src.length() && Character.isWhitespace(src.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int count(String src, int from, int to) {
        int lines = 0;
        for (int k = from; k < to; k++) {
            if (src.charAt(k) == '\n') {
                lines++;
            }
        }
        return lines;
    }

    private static String stripComments(String src) {
        return src.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    }
}
