package org.samplex.backend.cuda;

import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR;
import static org.bytedeco.cuda.global.cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR;
import static org.bytedeco.cuda.global.cudart.CUDA_SUCCESS;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * The only class of the provider that names JavaCPP: the first call to a {@code cudart} method runs its static
 * initializer, which loads libjnicudart, libcudart.so.13 and libcuda.so.1. {@link CudaBackendProvider} reaches this
 * class only through a method reference invoked after the library search passed, so constructing the provider,
 * {@code name()}, {@code rank()} and a probe on a machine without a driver never load native code.
 */
final class NativeDeviceQuery {

    private NativeDeviceQuery() {
    }

    static DeviceQuery.Result query() {
        int[] driver = {0};
        cudart.cuDriverGetVersion(driver);
        int[] runtime = {0};
        cudart.cudaRuntimeGetVersion(runtime);
        int rc = cudart.cuInit(0);
        if (rc != CUDA_SUCCESS) {
            return new DeviceQuery.Result(driver[0], runtime[0], List.of(), "cuInit failed: " + errorName(rc));
        }
        int[] count = {0};
        rc = cudart.cuDeviceGetCount(count);
        if (rc != CUDA_SUCCESS) {
            return new DeviceQuery.Result(driver[0], runtime[0], List.of(), "cuDeviceGetCount failed: " + errorName(rc));
        }
        List<String> devices = new ArrayList<>();
        for (int i = 0; i < count[0]; i++) {
            devices.add(describe(i));
        }
        return new DeviceQuery.Result(driver[0], runtime[0], devices, null);
    }

    private static String describe(int ordinal) {
        int[] dev = {0};
        if (cudart.cuDeviceGet(dev, ordinal) != CUDA_SUCCESS) {
            return "device " + ordinal + " (cuDeviceGet failed)";
        }
        byte[] name = new byte[256];
        cudart.cuDeviceGetName(name, name.length, dev[0]);
        int len = 0;
        while (len < name.length && name[len] != 0) {
            len++;
        }
        int[] major = {0};
        int[] minor = {0};
        cudart.cuDeviceGetAttribute(major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev[0]);
        cudart.cuDeviceGetAttribute(minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev[0]);
        String memory;
        try (SizeTPointer bytes = new SizeTPointer(1)) {
            memory = cudart.cuDeviceTotalMem(bytes, dev[0]) == CUDA_SUCCESS
                    ? String.format("%.1f GiB", bytes.get() / (double) (1L << 30)) : "memory unknown";
        }
        return new String(name, 0, len, StandardCharsets.UTF_8) + ", compute capability " + major[0] + "."
                + minor[0] + ", " + memory;
    }

    /** "CUDA_ERROR_NO_DEVICE (100)": cuGetErrorName writes a pointer to a static string into its argument. */
    private static String errorName(int rc) {
        try (PointerPointer<BytePointer> out = new PointerPointer<>(1)) {
            if (cudart.cuGetErrorName(rc, out) == CUDA_SUCCESS) {
                BytePointer s = out.get(BytePointer.class, 0);
                if (s != null && !s.isNull()) {
                    return s.getString(StandardCharsets.UTF_8) + " (" + rc + ")";
                }
            }
        } catch (RuntimeException e) {
            // fall through to the bare number
        }
        return "error " + rc;
    }
}
