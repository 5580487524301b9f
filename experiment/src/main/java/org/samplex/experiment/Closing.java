package org.samplex.experiment;

/** Closing what a session owns: all of it, whatever fails on the way. */
final class Closing {
    private Closing() {
    }

    /**
     * Closes every one in order (nulls skipped); the first failure is thrown once all are closed, later ones
     * added to it as suppressed.
     */
    static void all(AutoCloseable... owned) {
        RuntimeException failure = null;
        for (AutoCloseable c : owned) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Closes one (null skipped) while {@code into} is being thrown, adding a failure to it as suppressed. */
    static void quietly(AutoCloseable c, Throwable into) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                into.addSuppressed(e);
            }
        }
    }
}
