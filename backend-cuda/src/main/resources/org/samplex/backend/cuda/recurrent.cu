// GRU and LSTM cells in PyTorch's gate order, one thread per (batch row, unit), and the linear scan (at the end).
// Gate tensors are (B, count * h) with the gates side by side: gate k of unit u in row b is at (count b + k) h + u.

#define GRID_STRIDE(e, n) \
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < (n); \
         e += (long long) blockDim.x * gridDim.x)

__device__ __forceinline__ float sigmoid_of(float x) {
    return 1.0f / (1.0f + expf(-x));
}

// r = sigmoid(gi_r + gh_r), z = sigmoid(gi_z + gh_z), n = tanh(gi_n + r gh_n), h' = (1 - z) n + z h.
extern "C" __global__ void gru_cell_forward(float* hNew, float* gates, const float* gi, const float* gh,
                                            const float* hPrev, int batch, int hidden) {
    GRID_STRIDE(e, (long long) batch * hidden) {
        long long b = e / hidden;
        long long u = e % hidden;
        long long atR = (3 * b) * hidden + u;
        long long atZ = atR + hidden;
        long long atN = atZ + hidden;
        float r = sigmoid_of(gi[atR] + gh[atR]);
        float z = sigmoid_of(gi[atZ] + gh[atZ]);
        float n = tanhf(gi[atN] + r * gh[atN]);
        gates[atR] = r;
        gates[atZ] = z;
        gates[atN] = n;
        hNew[e] = (1.0f - z) * n + z * hPrev[e];
    }
}

extern "C" __global__ void gru_cell_backward(float* dGi, float* dGh, float* dHPrev, const float* dHNew,
                                             const float* gates, const float* gh, const float* hPrev, int batch,
                                             int hidden) {
    GRID_STRIDE(e, (long long) batch * hidden) {
        long long b = e / hidden;
        long long u = e % hidden;
        long long atR = (3 * b) * hidden + u;
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
            dGi[atR] += drPre;
            dGi[atZ] += dzPre;
            dGi[atN] += dnPre;
        }
        if (dGh) {
            dGh[atR] += drPre;
            dGh[atZ] += dzPre;
            dGh[atN] += dnPre * r;
        }
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
