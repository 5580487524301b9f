// Philox4x32-10 and the element mappings of org.samplex.api.rng.RngStream, bit for bit: the block at counter
// (lo32(i), hi32(i), lo32(s), hi32(s)) under key (k0, k1); uniforms (w >> 8) 2^-24, normals by Box-Muller (cosine
// branch) in double, integers (w * bound) >> 32. Each thread computes one block and writes the elements it feeds.

#include "philox.cuh"

#define BLOCK_STRIDE(bi, blocks) \
    for (long long bi = (long long) blockIdx.x * blockDim.x + threadIdx.x; bi < (blocks); \
         bi += (long long) blockDim.x * gridDim.x)

// dst[i] = lo + (hi - lo) U_i: element i is word i % 4 of block i / 4.
extern "C" __global__ void fill_uniform(float* dst, long long n, unsigned int k0, unsigned int k1,
                                        unsigned long long substream, double lo, double hi) {
    BLOCK_STRIDE(bi, (n + 3) / 4) {
        unsigned int w[4];
        block_at(w, (unsigned long long) bi, substream, k0, k1);
        for (int j = 0; j < 4; j++) {
            long long e = 4 * bi + j;
            if (e < n) {
                dst[e] = (float) (lo + (hi - lo) * ((double) (w[j] >> 8) * TWO_POW_M24));
            }
        }
    }
}

// dst[i] = mean + std Z_i: element i uses words (2 (i % 2), 2 (i % 2) + 1) of block i / 2.
extern "C" __global__ void fill_normal(float* dst, long long n, unsigned int k0, unsigned int k1,
                                       unsigned long long substream, double mean, double std) {
    BLOCK_STRIDE(bi, (n + 1) / 2) {
        unsigned int w[4];
        block_at(w, (unsigned long long) bi, substream, k0, k1);
        for (int j = 0; j < 2; j++) {
            long long e = 2 * bi + j;
            if (e < n) {
                double u1 = ((double) (w[2 * j] >> 8) + 1.0) * TWO_POW_M24;
                double u2 = (double) (w[2 * j + 1] >> 8) * TWO_POW_M24;
                double z = sqrt(-2.0 * log(u1)) * cos(2.0 * 3.141592653589793 * u2);
                dst[e] = (float) (mean + std * z);
            }
        }
    }
}

// dst[i] = (w_i * bound) >> 32 with w_i the word of uniform element i; dst is INT32.
extern "C" __global__ void fill_uniform_int(int* dst, long long n, unsigned int k0, unsigned int k1,
                                            unsigned long long substream, int bound) {
    BLOCK_STRIDE(bi, (n + 3) / 4) {
        unsigned int w[4];
        block_at(w, (unsigned long long) bi, substream, k0, k1);
        for (int j = 0; j < 4; j++) {
            long long e = 4 * bi + j;
            if (e < n) {
                dst[e] = (int) (((unsigned long long) w[j] * (unsigned long long) bound) >> 32);
            }
        }
    }
}
