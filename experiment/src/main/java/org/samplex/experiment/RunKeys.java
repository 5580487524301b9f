package org.samplex.experiment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Run keys: the identity of a run in a results store.
 *
 * <p>A key is the lower-case hex SHA-256 of the canonical JSON ({@link Json#canonical}: sorted keys, ECMAScript
 * numbers, no whitespace) of {@code {"samplex": VERSION, "spec": SPEC}}, where SPEC is the resolved spec's
 * {@link RunSpec#toMap} without its {@code threads} entry.
 *
 * <ul>
 *   <li>The spec must be resolved ({@code OnlineProtocol.resolve}): defaults filled in, so that a run asked for
 *       with and without a default spelled out is one run.</li>
 *   <li>The backend is part of the key, as chosen: "auto" must be replaced by the backend it picks before keying
 *       (a run on cpu and the same run on cuda compute different floats, and a sweep resumed on another machine
 *       must not mix them); {@link #of} refuses "auto".</li>
 *   <li>Threads are not: they change only the order of float additions, and a sweep resumed with another
 *       {@code --workers} (so another thread count per run) must find the runs it already finished.</li>
 *   <li>The samplex version is: a new version may compute differently, so its runs are new runs.</li>
 * </ul>
 */
public final class RunKeys {

    /** Hex digits of a key shown to people (dry-run listings); enough to be unique in any real sweep. */
    public static final int PREFIX_LENGTH = 12;

    private RunKeys() {
    }

    /**
     * The key of a resolved spec.
     *
     * @throws IllegalArgumentException when the spec's backend is still "auto"
     */
    public static String of(RunSpec resolvedSpec) {
        return of(resolvedSpec, samplexVersion());
    }

    /** The key of a resolved spec as samplex {@code version} computes it. */
    public static String of(RunSpec resolvedSpec, String version) {
        if ("auto".equals(resolvedSpec.backend())) {
            throw new IllegalArgumentException("a run key needs the backend that runs it, not 'auto': resolve the "
                    + "backend first");
        }
        Map<String, Object> spec = new LinkedHashMap<>(resolvedSpec.toMap());
        spec.remove("threads");
        Map<String, Object> keyed = new LinkedHashMap<>();
        keyed.put("samplex", version);
        keyed.put("spec", spec);
        return sha256(Json.canonical(keyed));
    }

    /** The version of samplex's experiment module (set by the build), or "dev" when it runs from classes. */
    public static String samplexVersion() {
        return Versions.of(RunKeys.class);
    }

    static String sha256(String text) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
