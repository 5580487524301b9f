// qSTR prompts generated on the device: prompts [first, first + count) of one stream, element for element the
// numbers of org.samplex.data.QstrSampler (docs/qstr.md section 2), which specifies them. Three kernels, run in
// order on one stream: qstr_content (the normals x), qstr_pointers (the pointer table t), qstr_assemble (the
// float inputs and labels). Field f of prompt p draws from substream 8 p + f: 0 content, 1 pointers, 2 resampled
// positional code, 3 label noise. Every double operation that must match the host's is written with an _rn
// intrinsic, so that nvcc never contracts a multiply and an add into an FMA (Java never does); sqrt and division
// are IEEE round-to-nearest on both sides. log and cos (Box-Muller) are the device's, within 1 ulp of the JDK's.
// The host emulation of these kernels' index and counter arithmetic is data's QstrKernelEmulation (its test
// reproduces QstrSampler bit for bit); comparing this file's output with the host's needs a GPU (not done yet).

#include "philox.cuh"

#define QSTR_FIELDS 8ULL
#define QSTR_MAX_DISTINCT 64

// Box-Muller, cosine branch, of words (a, b): RngStream.normalFromWords.
__device__ __forceinline__ double normal_of(unsigned int a, unsigned int b) {
    double u1 = __dmul_rn((double) (a >> 8) + 1.0, TWO_POW_M24);
    double u2 = __dmul_rn((double) (b >> 8), TWO_POW_M24);
    return __dmul_rn(__dsqrt_rn(__dmul_rn(-2.0, log(u1))), cos(__dmul_rn(2.0 * 3.141592653589793, u2)));
}

// Word e of a substream: word e % 4 of block e / 4.
__device__ __forceinline__ unsigned int word_at(unsigned long long e, unsigned long long substream, unsigned int k0,
                                                unsigned int k1) {
    unsigned int w[4];
    block_at(w, e >> 2, substream, k0, k1);
    return w[e & 3];
}

// (w * bound) >> 32: RngStream.intFromWord.
__device__ __forceinline__ int int_of(unsigned int w, int bound) {
    return (int) (((unsigned long long) w * (unsigned long long) bound) >> 32);
}

// x (count, N, d) doubles: one thread per (prompt b, normal pair m); element e = 2 m + j of the content substream
// is word pair j of block m. With half content, tokens i with 2 i >= N get 0 (drawn all the same on the host).
extern "C" __global__ void qstr_content(double* x, int count, unsigned long long first, int n, int d, int half,
                                        unsigned int k0, unsigned int k1) {
    long long per = ((long long) n * d + 1) / 2;
    for (long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x; idx < (long long) count * per;
         idx += (long long) blockDim.x * gridDim.x) {
        long long b = idx / per;
        long long m = idx % per;
        unsigned int w[4];
        block_at(w, (unsigned long long) m, QSTR_FIELDS * (first + b) + 0, k0, k1);
        for (int j = 0; j < 2; j++) {
            long long e = 2 * m + j;
            if (e < (long long) n * d) {
                long long token = e / d;
                x[b * n * d + e] = half && 2 * token >= n ? 0.0 : normal_of(w[2 * j], w[2 * j + 1]);
            }
        }
    }
}

// t (count, N, q) ints: one thread per (prompt b, row r), r < N (general) or r = 0 (simple, whose one tuple the
// thread writes into every token's row). Slot j of row r uses word r q + j of the pointer substream: iid
// t_rj = intFromWord(w, N); distinct, the partial Fisher-Yates r_j = j + intFromWord(w, N - j), swap perm[j] and
// perm[r_j], t_rj = perm[j], with perm kept as the few entries the swaps moved (q <= QSTR_MAX_DISTINCT).
extern "C" __global__ void qstr_pointers(int* t, int count, unsigned long long first, int n, int q, int simple,
                                         int distinct, unsigned int k0, unsigned int k1) {
    if (distinct && q > QSTR_MAX_DISTINCT) {
        __trap(); // the launcher generates these on the host: a thread keeps at most 2 q moved entries
    }
    int rows = simple ? 1 : n;
    for (long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x; idx < (long long) count * rows;
         idx += (long long) blockDim.x * gridDim.x) {
        long long b = idx / rows;
        int r = (int) (idx % rows);
        unsigned long long substream = QSTR_FIELDS * (first + b) + 1;
        int keys[2 * QSTR_MAX_DISTINCT];
        int vals[2 * QSTR_MAX_DISTINCT];
        int moved = 0;
        for (int j = 0; j < q; j++) {
            unsigned int w = word_at((unsigned long long) r * q + j, substream, k0, k1);
            int v;
            if (distinct) {
                int rj = j + int_of(w, n - j);
                int at_j = j;
                int at_r = rj;
                int kj = -1;
                int kr = -1;
                for (int k = 0; k < moved; k++) {
                    if (keys[k] == j) {
                        at_j = vals[k];
                        kj = k;
                    }
                    if (keys[k] == rj) {
                        at_r = vals[k];
                        kr = k;
                    }
                }
                if (kj < 0) {
                    kj = moved;
                    keys[moved++] = j;
                }
                if (kr < 0 && rj != j) {
                    kr = moved;
                    keys[moved++] = rj;
                }
                vals[kj] = at_r;
                if (rj != j) {
                    vals[kr] = at_j;
                }
                v = at_r;
            } else {
                v = int_of(w, n);
            }
            if (simple) {
                for (int i = 0; i < n; i++) {
                    t[(b * n + i) * q + j] = v;
                }
            } else {
                t[(b * n + r) * q + j] = v;
            }
        }
    }
}

// Entry c of token k's positional code in prompt b: the fixed table's (s E), or the sign of word k d_e + c of the
// prompt's code substream times the amplitude s / sqrt(d_e) (uniform < 0.5, i.e. top bit 0: minus).
__device__ __forceinline__ double code_at(const double* code, int resampled, double amplitude, int k, int c, int de,
                                          unsigned long long substream, unsigned int k0, unsigned int k1) {
    if (!resampled) {
        return code[k * de + c];
    }
    unsigned int w = word_at((unsigned long long) k * de + c, substream, k0, k1);
    return (w >> 31) == 0 ? -amplitude : amplitude;
}

// p_{l,j} = <u_l, x_j>, summed over c in increasing order.
__device__ __forceinline__ double projection(const double* u, const double* xb, int l, int j, int d) {
    double dot = 0.0;
    for (int c = 0; c < d; c++) {
        dot = __dadd_rn(dot, __dmul_rn(u[l * d + c], xb[j * d + c]));
    }
    return dot;
}

// |x_j|^2 - m_j, m_j = d for a token with content, 0 without (sqnorm's centred square norm).
__device__ __forceinline__ double centred_norm(const double* xb, int j, int n, int d, int half) {
    double sq = 0.0;
    for (int c = 0; c < d; c++) {
        sq = __dadd_rn(sq, __dmul_rn(xb[j * d + c], xb[j * d + c]));
    }
    return __dsub_rn(sq, !half || 2 * j < n ? (double) d : 0.0);
}

// input (count, N, D) and labels (count, N), floats: one thread per (prompt b, token i). Row i is
// [x_i, code_i, code_{t_i1}, ..., code_{t_iq}]; the label is the link's (link = QstrConfig.Link's ordinal: 0 linear,
// 1 sumlinear, 2 he2, 3 mean, 4 sqnorm), then + sigma * normal i of the noise substream when sigma > 0.
extern "C" __global__ void qstr_assemble(float* input, float* labels, const double* x, const int* t,
                                         const double* code, const double* u, int count, unsigned long long first,
                                         int n, int d, int q, int de, int link, int resampled, double amplitude,
                                         double noise, int half, unsigned int k0, unsigned int k1) {
    int width = d + (q + 1) * de;
    for (long long idx = (long long) blockIdx.x * blockDim.x + threadIdx.x; idx < (long long) count * n;
         idx += (long long) blockDim.x * gridDim.x) {
        long long b = idx / n;
        int i = (int) (idx % n);
        unsigned long long base = QSTR_FIELDS * (first + b);
        const double* xb = x + b * n * d;
        const int* tb = t + (b * n + i) * q;
        float* row = input + (b * n + i) * width;
        for (int c = 0; c < d; c++) {
            row[c] = (float) xb[i * d + c];
        }
        for (int slot = 0; slot <= q; slot++) {
            int k = slot == 0 ? i : tb[slot - 1];
            for (int c = 0; c < de; c++) {
                row[d + slot * de + c] = (float) code_at(code, resampled, amplitude, k, c, de, base + 2, k0, k1);
            }
        }
        double y;
        double sum = 0.0;
        switch (link) {
            case 0:
                y = projection(u, xb, 0, tb[0], d);
                break;
            case 1:
                for (int l = 0; l < q; l++) {
                    sum = __dadd_rn(sum, projection(u, xb, l, tb[l], d));
                }
                y = __ddiv_rn(sum, __dsqrt_rn((double) q));
                break;
            case 2:
                for (int l = 0; l < q; l++) {
                    double z = projection(u, xb, l, tb[l], d);
                    sum = __dadd_rn(sum, __ddiv_rn(__dsub_rn(__dmul_rn(z, z), 1.0), __dsqrt_rn(2.0)));
                }
                y = __ddiv_rn(sum, __dsqrt_rn((double) q));
                break;
            case 3:
                for (int l = 0; l < q; l++) {
                    sum = __dadd_rn(sum, projection(u, xb, 0, tb[l], d));
                }
                y = __ddiv_rn(sum, (double) q);
                break;
            default:
                for (int l = 0; l < q; l++) {
                    sum = __dadd_rn(sum, centred_norm(xb, tb[l], n, d, half));
                }
                y = __ddiv_rn(sum, __dsqrt_rn(__dmul_rn((double) q, (double) d)));
                break;
        }
        if (noise > 0.0) {
            unsigned int w[4];
            block_at(w, (unsigned long long) (i >> 1), base + 3, k0, k1);
            int j = (i & 1) * 2;
            y = __dadd_rn(y, __dmul_rn(noise, normal_of(w[j], w[j + 1])));
        }
        labels[b * n + i] = (float) y;
    }
}
