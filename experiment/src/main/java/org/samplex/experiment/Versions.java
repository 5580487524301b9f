package org.samplex.experiment;

/**
 * The one way samplex names its own versions, so that run keys, provenance and {@code --version} cannot drift
 * apart.
 */
public final class Versions {

    private Versions() {
    }

    /**
     * The version of the module holding {@code c} (set by the build), else its package's implementation version,
     * else "dev" (run from classes).
     */
    public static String of(Class<?> c) {
        var descriptor = c.getModule().getDescriptor();
        if (descriptor != null && descriptor.rawVersion().isPresent()) {
            return descriptor.rawVersion().get();
        }
        String v = c.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
