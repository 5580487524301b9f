package org.samplex.experiment;

/**
 * Hears about a run while it runs, for progress lines; called on the thread that runs the protocol, so it must
 * be quick. It cannot change the run.
 */
@FunctionalInterface
public interface ProgressListener {

    /** Hears nothing. */
    ProgressListener NONE = (point, elapsedSeconds) -> {
    };

    /**
     * After every check.
     *
     * @param point          the check just made (prompts seen, test MSE, training loss)
     * @param elapsedSeconds wall time since the run started, training and evaluation together
     */
    void checked(RunRecord.CurvePoint point, double elapsedSeconds);

    /** Once, before the backend opens, with the chooser's sentence on which backend runs and why. */
    default void backendChosen(String explanation) {
    }
}
