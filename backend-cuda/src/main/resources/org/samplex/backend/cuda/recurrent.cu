// GRU and LSTM cells in PyTorch's gate order, one thread per (batch row, unit), and the linear scan (at the end).
// Gate tensors are (B, count * h) with the gates side by side: gate k of unit u in row b is at (count b + k) h + u.

#define GRID_STRIDE(e, n) \
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < (n); \
         e += (long long) blockDim.x * gridDim.x)

__device__ __forceinline__ float sigmoid_of(float x) {
    return 1.0f / (1.0f + expf(-x));
}

// r = sigmoid(gi_r + gh_r), z = sigmoid(gi_z + gh_z), n = tanh(gi_n + r gh_n), h' = (1 - z) n + z h for one
// (row, unit): gi's three gates at gi[0], gi[h], gi[2h]; gh's, gates' at atR, atR + h, atR + 2h. Shared by the
// cell and the fused step.
__device__ __forceinline__ float gru_unit_forward(float* gates, const float* gi, float hr, float hz, float hn,
                                                  float hPrev, long long atR, int hidden) {
    float r = sigmoid_of(gi[0] + hr);
    float z = sigmoid_of(gi[hidden] + hz);
    float n = tanhf(gi[2 * hidden] + r * hn);
    gates[atR] = r;
    gates[atR + hidden] = z;
    gates[atR + 2 * hidden] = n;
    return (1.0f - z) * n + z * hPrev;
}

// The backward of gru_unit_forward: adds into dGi at dGi[0], dGi[h], dGi[2h] (when not null), dGh at atR.. and
// dHPrev at e.
__device__ __forceinline__ void gru_unit_backward(float* dGi, float* dGh, float* dHPrev, const float* dHNew,
                                                  const float* gates, const float* gh, const float* hPrev,
                                                  long long e, long long atR, int hidden) {
    long long atZ = atR + hidden;
    long long atN = atZ + hidden;
    float r = gates[atR];
    float z = gates[atZ];
    float n = gates[atN];
    float dh = dHNew[e];
    float dn = dh * (1.0f - z);
    float dz = dh * (hPrev[e] - n);
    if (dHPrev) {
        dHPrev[e] += dh * z;
    }
    float dnPre = dn * (1.0f - n * n);
    float dr = dnPre * gh[atN];
    float drPre = dr * r * (1.0f - r);
    float dzPre = dz * z * (1.0f - z);
    if (dGi) {
        dGi[0] += drPre;
        dGi[hidden] += dzPre;
        dGi[2 * hidden] += dnPre;
    }
    if (dGh) {
        dGh[atR] += drPre;
        dGh[atZ] += dzPre;
        dGh[atN] += dnPre * r;
    }
}

extern "C" __global__ void gru_cell_forward(float* hNew, float* gates, const float* gi, const float* gh,
                                            const float* hPrev, int batch, int hidden) {
    GRID_STRIDE(e, (long long) batch * hidden) {
        long long atR = (3 * (e / hidden)) * hidden + e % hidden;
        hNew[e] = gru_unit_forward(gates, gi + atR, gh[atR], gh[atR + hidden], gh[atR + 2 * hidden], hPrev[e],
                                   atR, hidden);
    }
}

extern "C" __global__ void gru_cell_backward(float* dGi, float* dGh, float* dHPrev, const float* dHNew,
                                             const float* gates, const float* gh, const float* hPrev, int batch,
                                             int hidden) {
    GRID_STRIDE(e, (long long) batch * hidden) {
        long long atR = (3 * (e / hidden)) * hidden + e % hidden;
        gru_unit_backward(dGi ? dGi + atR : 0, dGh, dHPrev, dHNew, gates, gh, hPrev, e, atR, hidden);
    }
}

// One fused GRU step (issue 16 item 4): the cell with gi read from columns [off, off + 3h) of rows of width
// giWidth (every step's input projection in one tensor), gh + b_hh formed here (gh itself when bias is null) and
// kept in ghb for the backward, the gathered gi kept in giT: one launch where slice, bias add and cell took three.
extern "C" __global__ void gru_step_forward(float* hNew, float* gates, float* giT, float* ghb, const float* gi,
                                            int giWidth, int off, const float* gh, const float* bias,
                                            const float* hPrev, int batch, int hidden) {
    GRID_STRIDE(e, (long long) batch * hidden) {
        long long b = e / hidden;
        long long u = e % hidden;
        long long atR = (3 * b) * hidden + u;
        const float* gib = gi + b * giWidth + off + u;
        for (int k = 0; k < 3; k++) {
            long long at = atR + k * hidden;
            ghb[at] = bias ? gh[at] + bias[k * hidden + u] : gh[at];
            giT[at] = gib[k * hidden];
        }
        hNew[e] = gru_unit_forward(gates, gib, ghb[atR], ghb[atR + hidden], ghb[atR + 2 * hidden], hPrev[e], atR,
                                   hidden);
    }
}

// Backward of gru_step_forward but its bias: the cell's backward with dGi added into the strided columns.
extern "C" __global__ void gru_step_backward(float* dGi, int giWidth, int off, float* dGh, float* dHPrev,
                                             const float* dHNew, const float* gates, const float* ghb,
                                             const float* hPrev, int batch, int hidden) {
    GRID_STRIDE(e, (long long) batch * hidden) {
        long long b = e / hidden;
        long long atR = (3 * b) * hidden + e % hidden;
        gru_unit_backward(dGi ? dGi + b * giWidth + off + e % hidden : 0, dGh, dHPrev, dHNew, gates, ghb, hPrev,
                          e, atR, hidden);
    }
}

// pre = gi + gh; i, f, o = sigmoid, g = tanh of their slices; c' = f c + i g, h' = o tanh(c').
extern "C" __global__ void lstm_cell_forward(float* hNew, float* cNew, float* gates, const float* gi,
                                             const float* gh, const float* cPrev, int batch, int hidden) {
    GRID_STRIDE(e, (long long) batch * hidden) {
        long long b = e / hidden;
        long long u = e % hidden;
        long long atI = (4 * b) * hidden + u;
        long long atF = atI + hidden;
        long long atG = atF + hidden;
        long long atO = atG + hidden;
        float i = sigmoid_of(gi[atI] + gh[atI]);
        float f = sigmoid_of(gi[atF] + gh[atF]);
        float g = tanhf(gi[atG] + gh[atG]);
        float o = sigmoid_of(gi[atO] + gh[atO]);
        float c = f * cPrev[e] + i * g;
        gates[atI] = i;
        gates[atF] = f;
        gates[atG] = g;
        gates[atO] = o;
        cNew[e] = c;
        hNew[e] = o * tanhf(c);
    }
}

// dPre (B, 4h) += the gradient of the pre-activations; dCPrev += dc f; a null dCNew counts as zero.
extern "C" __global__ void lstm_cell_backward(float* dPre, float* dCPrev, const float* dHNew, const float* dCNew,
                                              const float* gates, const float* cPrev, const float* cNew, int batch,
                                              int hidden) {
    GRID_STRIDE(e, (long long) batch * hidden) {
        long long b = e / hidden;
        long long u = e % hidden;
        long long atI = (4 * b) * hidden + u;
        long long atF = atI + hidden;
        long long atG = atF + hidden;
        long long atO = atG + hidden;
        float i = gates[atI];
        float f = gates[atF];
        float g = gates[atG];
        float o = gates[atO];
        float dh = dHNew[e];
        float tc = tanhf(cNew[e]);
        float dO = dh * tc;
        float dc = dh * o * (1.0f - tc * tc) + (dCNew ? dCNew[e] : 0.0f);
        if (dCPrev) {
            dCPrev[e] += dc * f;
        }
        if (dPre) {
            dPre[atI] += dc * g * i * (1.0f - i);
            dPre[atF] += dc * cPrev[e] * f * (1.0f - f);
            dPre[atG] += dc * i * (1.0f - g * g);
            dPre[atO] += dO * o * (1.0f - o);
        }
    }
}

// The linear scan h_t = a_t h_{t-1} + b_t over (B, N, C), one thread per (batch row, channel) walking the positions
// in scan order (N-1 down to 0 when reverse); element (b, t, c) is at (b N + t) C + c, so a warp reads 32
// consecutive channels of one position. Each step is one fmaf, as on the cpu backend.
__device__ __forceinline__ long long scan_at(long long row, int step, long long c, int positions, int channels,
                                             int reverse) {
    int t = reverse ? positions - 1 - step : step;
    return (row * positions + t) * channels + c;
}

extern "C" __global__ void scan_forward(float* h, const float* a, const float* b, int batch, int positions,
                                        int channels, int reverse) {
    GRID_STRIDE(e, (long long) batch * channels) {
        long long row = e / channels;
        long long c = e % channels;
        float state = 0.0f;
        for (int step = 0; step < positions; step++) {
            long long at = scan_at(row, step, c, positions, channels, reverse);
            state = fmaf(a[at], state, b[at]);
            h[at] = state;
        }
    }
}

// Against the scan order: g_t = dh_t + a_{t+1} g_{t+1}; dA_t += g_t h_{t-1} (none at the first step, h_{-1} = 0),
// dB_t += g_t; a null gradient (0) is skipped.
extern "C" __global__ void scan_backward(float* dA, float* dB, const float* dH, const float* a, const float* h,
                                         int batch, int positions, int channels, int reverse) {
    GRID_STRIDE(e, (long long) batch * channels) {
        long long row = e / channels;
        long long c = e % channels;
        float g = 0.0f;
        float next = 0.0f;
        for (int step = positions - 1; step >= 0; step--) {
            long long at = scan_at(row, step, c, positions, channels, reverse);
            g = fmaf(next, g, dH[at]);
            if (dA && step > 0) {
                dA[at] = fmaf(g, h[scan_at(row, step - 1, c, positions, channels, reverse)], dA[at]);
            }
            if (dB) {
                dB[at] += g;
            }
            next = a[at];
        }
    }
}
