// Fused multi-head softmax attention over (B, N, H*hd) tensors. Head j of position i is columns [j hd, (j+1) hd).
// One warp per query row (forward, D and dQ) or per key row (dK, dV); lane c holds head dims c, c + 32, ... in
// registers, so hd is at most 32 * MAX_CHUNKS = 256. Warps of a block share tiles of keys and values (or of
// queries and upstream gradients) in shared memory, loaded in tiles of `tile` rows. Dot products are summed by a
// butterfly of shuffles, which leaves the same bits in every lane; every sum runs in a fixed order, and no atomics
// are used, so the same inputs give the same bits.

#define MAX_CHUNKS 8
#define WARPS 8
#define FULL_MASK 0xffffffffu

__device__ __forceinline__ float warp_sum(float x) {
    for (int offset = 16; offset > 0; offset >>= 1) {
        x += __shfl_xor_sync(FULL_MASK, x, offset);
    }
    return x;
}

// Loads rows [row0, row0 + count) of head h of prompt b from (B, N, W) tensors x and y into (count, hd) tiles.
__device__ __forceinline__ void load_tiles(float* xs, float* ys, const float* x, const float* y, int b, int N,
                                           int W, int h, int hd, int row0, int count) {
    for (int e = threadIdx.x; e < count * hd; e += blockDim.x) {
        int t = e / hd;
        int d = e - t * hd;
        long long at = ((long long) b * N + row0 + t) * W + (long long) h * hd + d;
        xs[e] = x[at];
        ys[e] = y != 0 ? y[at] : 0.0f;
    }
}

// Lane's chunks of row i of head h of prompt b in a (B, N, W) tensor (zeros past hd).
__device__ __forceinline__ void load_row(float r[MAX_CHUNKS], const float* x, int b, int N, int W, int h, int hd,
                                         int i, int lane) {
    const float* row = x + ((long long) b * N + i) * W + (long long) h * hd;
    for (int c = 0; c < MAX_CHUNKS; c++) {
        int d = lane + 32 * c;
        r[c] = d < hd ? row[d] : 0.0f;
    }
}

__device__ __forceinline__ float dot_tile(const float r[MAX_CHUNKS], const float* tileRow, int hd, int lane) {
    float part = 0.0f;
    for (int c = 0; c < MAX_CHUNKS; c++) {
        int d = lane + 32 * c;
        if (d < hd) {
            part += r[c] * tileRow[d];
        }
    }
    return warp_sum(part);
}

// out[b,i,h] = sum_t softmax_t(scale <q_i, k_t>) v_t by online softmax; lse (B, H, N) keeps max + log(sum).
// Grid (ceil(N / WARPS), H, B), block WARPS * 32 threads, dynamic shared memory 2 * tile * hd floats.
extern "C" __global__ void attention_forward(float* out, float* lse, const float* q, const float* k, const float* v,
                                             int N, int H, int hd, float scale, int causal, int tile) {
    extern __shared__ float smem[];
    float* ks = smem;
    float* vs = smem + tile * hd;
    int b = blockIdx.z;
    int h = blockIdx.y;
    int W = H * hd;
    int lane = threadIdx.x & 31;
    int i = blockIdx.x * WARPS + (threadIdx.x >> 5);
    bool active = i < N;
    float qr[MAX_CHUNKS];
    float acc[MAX_CHUNKS];
    load_row(qr, q, b, N, W, h, hd, active ? i : 0, lane);
    for (int c = 0; c < MAX_CHUNKS; c++) {
        acc[c] = 0.0f;
    }
    float m = -__int_as_float(0x7f800000);
    float l = 0.0f;
    int lastQuery = min(N, (int) (blockIdx.x + 1) * WARPS) - 1;
    int keyEnd = causal ? lastQuery + 1 : N;
    int myEnd = causal ? i + 1 : N;
    for (int t0 = 0; t0 < keyEnd; t0 += tile) {
        int count = min(tile, keyEnd - t0);
        __syncthreads();
        load_tiles(ks, vs, k, v, b, N, W, h, hd, t0, count);
        __syncthreads();
        if (!active) {
            continue;
        }
        int tEnd = min(count, myEnd - t0);
        for (int t = 0; t < tEnd; t++) {
            float s = scale * dot_tile(qr, ks + t * hd, hd, lane);
            float mNew = fmaxf(m, s);
            float correction = expf(m - mNew);
            float p = expf(s - mNew);
            l = l * correction + p;
            for (int c = 0; c < MAX_CHUNKS; c++) {
                int d = lane + 32 * c;
                acc[c] = acc[c] * correction + (d < hd ? p * vs[t * hd + d] : 0.0f);
            }
            m = mNew;
        }
    }
    if (active) {
        float* row = out + ((long long) b * N + i) * W + (long long) h * hd;
        for (int c = 0; c < MAX_CHUNKS; c++) {
            int d = lane + 32 * c;
            if (d < hd) {
                row[d] = acc[c] / l;
            }
        }
        if (lane == 0) {
            lse[((long long) b * H + h) * N + i] = m + logf(l);
        }
    }
}

// delta (B, H, N) = rowsum(dOut * out) per query and head: D_i = sum_t p_t dP_t of the softmax backward.
extern "C" __global__ void attention_backward_delta(float* delta, const float* dOut, const float* out, int N,
                                                    int H, int hd) {
    int b = blockIdx.z;
    int h = blockIdx.y;
    int W = H * hd;
    int lane = threadIdx.x & 31;
    int i = blockIdx.x * WARPS + (threadIdx.x >> 5);
    if (i >= N) {
        return;
    }
    float g[MAX_CHUNKS];
    float o[MAX_CHUNKS];
    load_row(g, dOut, b, N, W, h, hd, i, lane);
    load_row(o, out, b, N, W, h, hd, i, lane);
    float part = 0.0f;
    for (int c = 0; c < MAX_CHUNKS; c++) {
        part += g[c] * o[c];
    }
    float sum = warp_sum(part);
    if (lane == 0) {
        delta[((long long) b * H + h) * N + i] = sum;
    }
}

// dQ_i += scale sum_t dS_t k_t with p_t = exp(scale <q_i, k_t> - lse_i), dP_t = <dOut_i, v_t>, dS_t = p_t (dP_t - D_i).
extern "C" __global__ void attention_backward_dq(float* dQ, const float* dOut, const float* q, const float* k,
                                                 const float* v, const float* lse, const float* delta, int N, int H,
                                                 int hd, float scale, int causal, int tile) {
    extern __shared__ float smem[];
    float* ks = smem;
    float* vs = smem + tile * hd;
    int b = blockIdx.z;
    int h = blockIdx.y;
    int W = H * hd;
    int lane = threadIdx.x & 31;
    int i = blockIdx.x * WARPS + (threadIdx.x >> 5);
    bool active = i < N;
    float qr[MAX_CHUNKS];
    float g[MAX_CHUNKS];
    float acc[MAX_CHUNKS];
    load_row(qr, q, b, N, W, h, hd, active ? i : 0, lane);
    load_row(g, dOut, b, N, W, h, hd, active ? i : 0, lane);
    for (int c = 0; c < MAX_CHUNKS; c++) {
        acc[c] = 0.0f;
    }
    long long lseAt = ((long long) b * H + h) * N + (active ? i : 0);
    float li = lse[lseAt];
    float di = delta[lseAt];
    int lastQuery = min(N, (int) (blockIdx.x + 1) * WARPS) - 1;
    int keyEnd = causal ? lastQuery + 1 : N;
    int myEnd = causal ? i + 1 : N;
    for (int t0 = 0; t0 < keyEnd; t0 += tile) {
        int count = min(tile, keyEnd - t0);
        __syncthreads();
        load_tiles(ks, vs, k, v, b, N, W, h, hd, t0, count);
        __syncthreads();
        if (!active) {
            continue;
        }
        int tEnd = min(count, myEnd - t0);
        for (int t = 0; t < tEnd; t++) {
            float p = expf(scale * dot_tile(qr, ks + t * hd, hd, lane) - li);
            float dP = dot_tile(g, vs + t * hd, hd, lane);
            float dS = p * (dP - di);
            for (int c = 0; c < MAX_CHUNKS; c++) {
                int d = lane + 32 * c;
                if (d < hd) {
                    acc[c] += dS * ks[t * hd + d];
                }
            }
        }
    }
    if (active) {
        float* row = dQ + ((long long) b * N + i) * W + (long long) h * hd;
        for (int c = 0; c < MAX_CHUNKS; c++) {
            int d = lane + 32 * c;
            if (d < hd) {
                row[d] += scale * acc[c];
            }
        }
    }
}

// One warp per key t: dV_t += sum_i p_it dOut_i and dK_t += scale sum_i dS_it q_i over the queries i that see t
// (i >= t when causal). Tiles of q and dOut are shared; lse and delta are read per query. dK or dV may be null.
extern "C" __global__ void attention_backward_dkdv(float* dK, float* dV, const float* dOut, const float* q,
                                                   const float* k, const float* v, const float* lse,
                                                   const float* delta, int N, int H, int hd, float scale, int causal,
                                                   int tile) {
    extern __shared__ float smem[];
    float* qs = smem;
    float* gs = smem + tile * hd;
    int b = blockIdx.z;
    int h = blockIdx.y;
    int W = H * hd;
    int lane = threadIdx.x & 31;
    int t = blockIdx.x * WARPS + (threadIdx.x >> 5);
    bool active = t < N;
    float kr[MAX_CHUNKS];
    float vr[MAX_CHUNKS];
    float dk[MAX_CHUNKS];
    float dv[MAX_CHUNKS];
    load_row(kr, k, b, N, W, h, hd, active ? t : 0, lane);
    load_row(vr, v, b, N, W, h, hd, active ? t : 0, lane);
    for (int c = 0; c < MAX_CHUNKS; c++) {
        dk[c] = 0.0f;
        dv[c] = 0.0f;
    }
    const float* lseRow = lse + ((long long) b * H + h) * N;
    const float* deltaRow = delta + ((long long) b * H + h) * N;
    int queryStart = causal ? (int) blockIdx.x * WARPS : 0;
    for (int i0 = queryStart; i0 < N; i0 += tile) {
        int count = min(tile, N - i0);
        __syncthreads();
        load_tiles(qs, gs, q, dOut, b, N, W, h, hd, i0, count);
        __syncthreads();
        if (!active) {
            continue;
        }
        int first = causal ? max(0, t - i0) : 0;
        for (int r = first; r < count; r++) {
            int i = i0 + r;
            float p = expf(scale * dot_tile(kr, qs + r * hd, hd, lane) - lseRow[i]);
            float dP = dot_tile(vr, gs + r * hd, hd, lane);
            float dS = p * (dP - deltaRow[i]);
            for (int c = 0; c < MAX_CHUNKS; c++) {
                int d = lane + 32 * c;
                if (d < hd) {
                    dv[c] += p * gs[r * hd + d];
                    dk[c] += dS * qs[r * hd + d];
                }
            }
        }
    }
    if (active) {
        long long at = ((long long) b * N + t) * W + (long long) h * hd;
        for (int c = 0; c < MAX_CHUNKS; c++) {
            int d = lane + 32 * c;
            if (d < hd) {
                if (dV) {
                    dV[at + d] += dv[c];
                }
                if (dK) {
                    dK[at + d] += scale * dk[c];
                }
            }
        }
    }
}
