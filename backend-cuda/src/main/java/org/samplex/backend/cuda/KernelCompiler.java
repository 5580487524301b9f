package org.samplex.backend.cuda;

import static org.samplex.backend.cuda.Cuda.checkNvrtc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.cuda.nvrtc._nvrtcProgram;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * Compiles the kernel sources (resources {@code org/samplex/backend/cuda/<family>.cu}) with NVRTC to a CUBIN for
 * the device's compute capability, and caches each CUBIN on disk under the SHA-256 of (source, options,
 * capability, NVRTC version): in {@code <javacpp cache dir>/samplex-cuda} when the property
 * {@code org.bytedeco.javacpp.cachedir} is set, else {@code ~/.cache/samplex/cuda}. A cache that cannot be read
 * or written only costs a compile.
 */
final class KernelCompiler {
    /** Every kernel family, one {@code .cu} resource each. */
    static final List<String> FAMILIES = List.of("pointwise", "random", "layout", "attention", "recurrent", "qstr");

    private final int major;
    private final int minor;
    private final Path cacheDir;

    KernelCompiler(int major, int minor) {
        this.major = major;
        this.minor = minor;
        this.cacheDir = defaultCacheDir();
    }

    static Path defaultCacheDir() {
        String javacpp = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (javacpp != null && !javacpp.isBlank()) {
            return Path.of(javacpp, "samplex-cuda");
        }
        return Path.of(System.getProperty("user.home", "."), ".cache", "samplex", "cuda");
    }

    /** The line a family's source writes where {@code philox.cuh} (Philox4x32-10 and its block) goes. */
    static final String PHILOX_INCLUDE = "#include \"philox.cuh\"";

    /**
     * The source text of kernel family {@code family} ("pointwise", "attention", ...), with the shared
     * {@code philox.cuh} put in place of its include line (NVRTC is given one text per family).
     */
    static String source(String family) {
        return text(family + ".cu").replace(PHILOX_INCLUDE, text("philox.cuh"));
    }

    private static String text(String resource) {
        try (InputStream in = KernelCompiler.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("kernel source " + resource + " is missing from the backend-cuda jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernel source " + resource, e);
        }
    }

    List<String> options() {
        return List.of("--gpu-architecture=sm_" + major + minor, "--std=c++17");
    }

    /** The CUBIN of {@code family}, from the disk cache or freshly compiled. */
    byte[] cubin(String family) {
        String source = source(family);
        List<String> options = options();
        Path cached = cacheDir.resolve(family + "-" + key(source, options) + ".cubin");
        try {
            if (Files.isRegularFile(cached)) {
                return Files.readAllBytes(cached);
            }
        } catch (IOException e) {
            // an unreadable cache entry is compiled again
        }
        byte[] cubin = compile(family, source, options);
        try {
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, family, ".tmp");
            Files.write(tmp, cubin);
            Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | UnsupportedOperationException e) {
            // no writable cache: the next backend compiles again
        }
        return cubin;
    }

    private String key(String source, List<String> options) {
        int[] version = nvrtcVersion();
        String text = source + "\n" + String.join(" ", options) + "\nsm_" + major + minor + "\nnvrtc "
                + version[0] + "." + version[1];
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    static int[] nvrtcVersion() {
        int[] major = {0};
        int[] minor = {0};
        checkNvrtc("nvrtcVersion", nvrtc.nvrtcVersion(major, minor));
        return new int[] {major[0], minor[0]};
    }

    /** Compiles one source; a failed compile throws with NVRTC's log. */
    static byte[] compile(String family, String source, List<String> options) {
        _nvrtcProgram program = new _nvrtcProgram();
        try (BytePointer src = new BytePointer(source); BytePointer name = new BytePointer(family + ".cu")) {
            checkNvrtc("nvrtcCreateProgram of " + family + ".cu",
                    nvrtc.nvrtcCreateProgram(program, src, name, 0, (PointerPointer<?>) null, (PointerPointer<?>) null));
        }
        try (PointerPointer<BytePointer> opts = new PointerPointer<>(options.toArray(String[]::new))) {
            int status = nvrtc.nvrtcCompileProgram(program, options.size(), opts);
            if (status != nvrtc.NVRTC_SUCCESS) {
                throw new CudaException("nvrtcCompileProgram of " + family + ".cu with " + options + ": "
                        + Cuda.nvrtcName(status) + "\n" + log(program));
            }
            try (SizeTPointer size = new SizeTPointer(1)) {
                checkNvrtc("nvrtcGetCUBINSize of " + family + ".cu", nvrtc.nvrtcGetCUBINSize(program, size));
                byte[] cubin = new byte[Math.toIntExact(size.get())];
                checkNvrtc("nvrtcGetCUBIN of " + family + ".cu", nvrtc.nvrtcGetCUBIN(program, cubin));
                return cubin;
            }
        } finally {
            nvrtc.nvrtcDestroyProgram(program);
        }
    }

    private static String log(_nvrtcProgram program) {
        try (SizeTPointer size = new SizeTPointer(1)) {
            if (nvrtc.nvrtcGetProgramLogSize(program, size) != nvrtc.NVRTC_SUCCESS || size.get() <= 1) {
                return "(no log)";
            }
            byte[] text = new byte[Math.toIntExact(size.get())];
            nvrtc.nvrtcGetProgramLog(program, text);
            return new String(text, 0, text.length - 1, StandardCharsets.UTF_8);
        }
    }
}
