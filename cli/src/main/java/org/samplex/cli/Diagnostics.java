package org.samplex.cli;

import picocli.CommandLine.Option;

/**
 * The option every command that runs work repeats (a picocli mixin): {@code -v}/{@code --verbose}, the stack trace
 * of an internal error. {@link Errors} reads it from the parse result (and SAMPLEX_DEBUG from the environment), so
 * the field itself is never read.
 */
final class Diagnostics {

    @Option(names = {"-v", "--verbose"}, description = "Print the stack trace of an internal error (as "
            + "SAMPLEX_DEBUG=1 does).")
    boolean verbose;
}
