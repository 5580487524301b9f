package org.samplex.api;

/** Thrown by {@link BackendProvider#open} when the backend cannot run here; the message is the probe's reason. */
public class BackendUnavailableException extends RuntimeException {
    private final String backend;

    public BackendUnavailableException(String backend, String reason) {
        super("backend '" + backend + "' is unavailable: " + reason);
        this.backend = backend;
    }

    public BackendUnavailableException(String backend, String reason, Throwable cause) {
        super("backend '" + backend + "' is unavailable: " + reason, cause);
        this.backend = backend;
    }

    /** The name of the backend that could not be opened. */
    public String backend() {
        return backend;
    }
}
