package org.samplex.experiment;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.samplex.api.Backend;
import org.samplex.api.BackendOptions;
import org.samplex.api.Services;

/**
 * What the protocol tests run on: the toy task, the affine learner and a one-thread reference backend. Register
 * it as a static {@code @RegisterExtension} field: the backend opens before the class's first test and closes
 * after its last, so every test class has its own and can count the buffers left on it.
 */
final class Fixtures implements BeforeAllCallback, AfterAllCallback {
    static final ToyTask.Provider TOY = new ToyTask.Provider();
    static final AffineLearner.Provider AFFINE = new AffineLearner.Provider();

    private Backend reference;

    @Override
    public void beforeAll(ExtensionContext context) {
        reference = Services.discover().backend("reference").open(BackendOptions.threads(1));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        reference.close();
    }

    /** The open reference backend (between the class's first and last test). */
    Backend reference() {
        return reference;
    }

    /** The run of a spec for the affine learner on the toy task, on the reference backend, heard by no one. */
    RunRecord run(RunSpec spec) {
        return OnlineProtocol.run(spec, AFFINE, TOY, reference, ProgressListener.NONE);
    }
}
