package org.samplex.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.samplex.api.BackendUnavailableException;
import org.samplex.experiment.IoErrors;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/** Maps what goes wrong to one message on stderr and an exit code; a stack trace only for internal errors. */
final class Errors {

    private Errors() {
    }

    /** A command group called without one of its commands: names them, shows the usage, exit 2. */
    static int missingCommand(CommandSpec spec) {
        spec.commandLine().getErr().println("samplex: missing command; commands: "
                + String.join(", ", spec.subcommands().keySet()));
        spec.commandLine().usage(spec.commandLine().getErr());
        return Samplex.EXIT_USAGE;
    }

    /**
     * An OutOfMemoryError that got past the memory estimate ({@code org.samplex.experiment.MemoryEstimate}: it
     * leaves out activations): one line with the heap's limit and what to change, no stack trace; exit 1.
     */
    static int outOfMemory(PrintWriter err, OutOfMemoryError e) {
        long max = Runtime.getRuntime().maxMemory();
        err.println("samplex: out of memory (" + e.getMessage() + "; the Java heap's limit is "
                + String.format(java.util.Locale.ROOT, "%.1f GiB", max / (double) (1L << 30)) + "): lower --N, "
                + "--test-size or --batch, or give the JVM more heap (SAMPLEX_JAVA_OPTS=-Xmx<size>)");
        err.flush();
        return Samplex.EXIT_IO;
    }

    /**
     * Unknown commands, options and values: exit 2 with the offending word named, the names it may have meant
     * ({@link Suggestions}) and a pointer to help. An unknown option is named before a missing required one
     * (picocli checks the required ones first): {@code train --learners x} is a misspelt {@code --learner}.
     */
    static final class Usage implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            List<String> unmatched = ex instanceof UnmatchedArgumentException u ? u.getUnmatched()
                    : cmd.getUnmatchedArguments();
            if (!(ex instanceof UnmatchedArgumentException) && !unmatched.isEmpty()) {
                String first = unmatched.getFirst();
                err.println(cmd.getColorScheme().errorText("samplex: unknown " + (first.startsWith("-") ? "option"
                        : "argument") + " '" + first + "'"));
                Suggestions.print(cmd.getCommandSpec(), unmatched, err);
                err.println(cmd.getColorScheme().errorText("samplex: and " + lowerFirst(message(ex))));
            } else {
                err.println(cmd.getColorScheme().errorText("samplex: " + message(ex)));
                Suggestions.print(cmd.getCommandSpec(), unmatched, err);
            }
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return Samplex.EXIT_USAGE;
        }

        private static String lowerFirst(String s) {
            return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
        }

        private static String message(ParameterException ex) {
            if (ex instanceof UnmatchedArgumentException u && !u.getCommandLine().getSubcommands().isEmpty()) {
                List<String> unmatched = u.getUnmatched();
                if (!unmatched.isEmpty() && !unmatched.getFirst().startsWith("-")) {
                    return "unknown command '" + unmatched.getFirst() + "'; commands: "
                            + String.join(", ", u.getCommandLine().getSubcommands().keySet());
                }
            }
            return ex.getMessage();
        }
    }

    /**
     * Exceptions from the commands: IllegalArgumentException is bad user input (exit 2), an unavailable backend
     * exits 3, an I/O problem (UncheckedIOException or IOException: a file that cannot be read or written) exits 1
     * with its message, anything else is a bug (exit 1) told in one line, with the stack trace only when asked for:
     * {@code --verbose} on the command line or the environment variable SAMPLEX_DEBUG set (not empty, not 0).
     */
    static final class Execution implements IExecutionExceptionHandler {
        private final boolean debugFromEnvironment;

        Execution(boolean debugFromEnvironment) {
            this.debugFromEnvironment = debugFromEnvironment;
        }

        /** Whether SAMPLEX_DEBUG asks for stack traces. */
        static boolean debugEnvironment() {
            String v = System.getenv("SAMPLEX_DEBUG");
            return v != null && !v.isBlank() && !v.strip().equals("0");
        }

        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
            PrintWriter err = cmd.getErr();
            Throwable t = unwrap(ex);
            int code;
            if (t instanceof BackendUnavailableException) {
                err.println(cmd.getColorScheme().errorText("samplex: " + t.getMessage()));
                code = Samplex.EXIT_UNAVAILABLE;
            } else if (t instanceof IllegalArgumentException) {
                err.println(cmd.getColorScheme().errorText("samplex: " + t.getMessage()));
                code = Samplex.EXIT_USAGE;
            } else if (t instanceof UncheckedIOException || t instanceof IOException) {
                // A folder that cannot be written, a locked or corrupt results store: the file and the cause.
                err.println(cmd.getColorScheme().errorText("samplex: " + ioMessage(t)));
                code = Samplex.EXIT_IO;
            } else {
                boolean trace = debugFromEnvironment || verboseGiven(parseResult);
                String hint = trace ? "" : cmd.getCommandSpec().findOption("--verbose") != null
                        ? " (--verbose or SAMPLEX_DEBUG=1 shows the stack trace)"
                        : " (SAMPLEX_DEBUG=1 shows the stack trace)";
                err.println(cmd.getColorScheme().errorText("samplex: internal error: " + t + hint));
                if (trace) {
                    t.printStackTrace(err);
                }
                code = cmd.getCommandSpec().exitCodeOnExecutionException();
            }
            err.flush();
            return code;
        }

        /**
         * An I/O failure in one line that names the file and the cause: a bare IOException (whose message may be
         * only a path) is described by {@link IoErrors#cause}; an UncheckedIOException's message gets the cause
         * appended when it does not say it already.
         */
        static String ioMessage(Throwable t) {
            if (t instanceof IOException io) {
                return IoErrors.cause(io);
            }
            String message = t.getMessage();
            if (t.getCause() instanceof IOException io && (io.getCause() == null || io.getCause() instanceof IOException)) {
                String cause = IoErrors.cause(io);
                if (message == null || message.isBlank()) {
                    return cause;
                }
                if (!message.contains(cause)) {
                    return message + ": " + cause;
                }
            }
            return message;
        }

        /** Whether any command on the line (the root or a subcommand) was given --verbose. */
        private static boolean verboseGiven(ParseResult parseResult) {
            for (ParseResult r = parseResult; r != null; r = r.subcommand()) {
                if (r.hasMatchedOption("--verbose")) {
                    return true;
                }
            }
            return false;
        }

        /** Work done on other threads arrives wrapped; the cause is what the user needs to read. */
        private static Throwable unwrap(Throwable t) {
            while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
                t = t.getCause();
            }
            return t;
        }
    }
}
