package org.samplex.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.samplex.api.BackendUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/** Maps what goes wrong to one message on stderr and an exit code; a stack trace only for internal errors. */
final class Errors {

    private Errors() {
    }

    /** Unknown commands, options and values: exit 2 with the offending word named and a pointer to help. */
    static final class Usage implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println(cmd.getColorScheme().errorText("samplex: " + message(ex)));
            UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return Samplex.EXIT_USAGE;
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
     * exits 3, anything else is a bug (exit 1, with the stack trace).
     */
    static final class Execution implements IExecutionExceptionHandler {
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
            } else {
                err.println(cmd.getColorScheme().errorText("samplex: internal error: " + t));
                t.printStackTrace(err);
                code = cmd.getCommandSpec().exitCodeOnExecutionException();
            }
            err.flush();
            return code;
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
