// Bias, activation, add/mul, mse and AdamW kernels of the cuda backend (float32 buffers). Compiled at run time
// with NVRTC, so no headers: only builtins. Element loops are grid-stride; reductions use a fixed order (one
// thread block, fixed strides, a tree of fixed shape) so the same inputs give the same bits.

#define ACT_RELU 0
#define ACT_TANH 1
#define ACT_SIGMOID 2
#define ACT_IDENTITY 3
#define ACT_EXP 4
#define ACT_SOFTPLUS 5

#define GRID_STRIDE(e, n) \
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < (n); \
         e += (long long) blockDim.x * gridDim.x)

// out (rows, cols) = in + bias (cols) broadcast over rows; out may be in.
extern "C" __global__ void bias_add_forward(float* out, const float* in, const float* bias, int rows, int cols) {
    GRID_STRIDE(e, (long long) rows * cols) {
        out[e] = in[e] + bias[e % cols];
    }
}

// dBias (cols) += column sums of dOut (rows, cols). A block of 256 threads per strip of 32 columns: thread
// (x, y) = (threadIdx.x % 32, threadIdx.x / 32) sums rows y, y + 8, ... of column x in order, in double; the 8
// partial sums are then added in order y = 0..7.
extern "C" __global__ void bias_add_backward_bias(float* dBias, const float* dOut, int rows, int cols) {
    __shared__ double part[8][32];
    int x = threadIdx.x & 31;
    int y = threadIdx.x >> 5;
    int col = blockIdx.x * 32 + x;
    double sum = 0;
    if (col < cols) {
        for (int r = y; r < rows; r += 8) {
            sum += dOut[(long long) r * cols + col];
        }
    }
    part[y][x] = sum;
    __syncthreads();
    if (y == 0 && col < cols) {
        double total = 0;
        for (int k = 0; k < 8; k++) {
            total += part[k][x];
        }
        dBias[col] = (float) ((double) dBias[col] + total);
    }
}

extern "C" __global__ void activation_forward(int f, float* out, const float* in, long long n) {
    GRID_STRIDE(e, n) {
        float v = in[e];
        float y;
        if (f == ACT_RELU) {
            y = (v > 0.0f || v != v) ? v : 0.0f;  // NaN stays NaN, as in PyTorch
        } else if (f == ACT_TANH) {
            y = tanhf(v);
        } else if (f == ACT_SIGMOID) {
            y = 1.0f / (1.0f + expf(-v));
        } else if (f == ACT_EXP) {
            y = expf(v);
        } else if (f == ACT_SOFTPLUS) {
            y = fmaxf(v, 0.0f) + log1pf(expf(-fabsf(v)));  // log(1 + e^v) without overflow
        } else {
            y = v;
        }
        out[e] = y;
    }
}

// dIn += f'(in) dOut; relu'(0) = 0, the others differentiate through their output.
extern "C" __global__ void activation_backward(int f, float* dIn, const float* dOut, const float* in,
                                               const float* out, long long n) {
    GRID_STRIDE(e, n) {
        float slope;
        if (f == ACT_RELU) {
            slope = in[e] > 0.0f ? 1.0f : 0.0f;
        } else if (f == ACT_TANH) {
            float y = out[e];
            slope = 1.0f - y * y;
        } else if (f == ACT_SIGMOID) {
            float y = out[e];
            slope = y * (1.0f - y);
        } else if (f == ACT_EXP) {
            slope = out[e];
        } else if (f == ACT_SOFTPLUS) {
            slope = -expm1f(-out[e]);  // sigmoid(in) = 1 - exp(-softplus(in))
        } else {
            slope = 1.0f;
        }
        dIn[e] += slope * dOut[e];
    }
}

extern "C" __global__ void add_forward(float* out, const float* a, const float* b, long long n) {
    GRID_STRIDE(e, n) {
        out[e] = a[e] + b[e];
    }
}

// dA += dOut, dB += dOut; a null gradient (0) is skipped. Also serves dIn of the bias backward.
extern "C" __global__ void add_backward(float* dA, float* dB, const float* dOut, long long n) {
    GRID_STRIDE(e, n) {
        float g = dOut[e];
        if (dA) {
            dA[e] += g;
        }
        if (dB) {
            dB[e] += g;
        }
    }
}

extern "C" __global__ void mul_forward(float* out, const float* a, const float* b, long long n) {
    GRID_STRIDE(e, n) {
        out[e] = a[e] * b[e];
    }
}

extern "C" __global__ void mul_backward(float* dA, float* dB, const float* dOut, const float* a, const float* b,
                                        long long n) {
    GRID_STRIDE(e, n) {
        float g = dOut[e];
        if (dA) {
            dA[e] += g * b[e];
        }
        if (dB) {
            dB[e] += g * a[e];
        }
    }
}

// loss (1) = mean (pred - target)^2: one block of 256 threads, double partial sums in a fixed stride, then a
// tree of fixed shape, so the result does not depend on scheduling.
extern "C" __global__ void mse_forward(float* loss, const float* pred, const float* target, long long n) {
    __shared__ double part[256];
    double sum = 0;
    for (long long e = threadIdx.x; e < n; e += 256) {
        double d = (double) pred[e] - (double) target[e];
        sum += d * d;
    }
    part[threadIdx.x] = sum;
    __syncthreads();
    for (int w = 128; w > 0; w >>= 1) {
        if (threadIdx.x < w) {
            part[threadIdx.x] += part[threadIdx.x + w];
        }
        __syncthreads();
    }
    if (threadIdx.x == 0) {
        loss[0] = (float) (part[0] / (double) n);
    }
}

// dPred += dLoss[0] 2 (pred - target) / n.
extern "C" __global__ void mse_backward(float* dPred, const float* dLoss, const float* pred, const float* target,
                                        long long n) {
    double scale = 2.0 * (double) dLoss[0] / (double) n;
    GRID_STRIDE(e, n) {
        dPred[e] = (float) ((double) dPred[e] + scale * ((double) pred[e] - (double) target[e]));
    }
}

// One AdamW step as torch.optim.AdamW, per element in double: decoupled decay, then the bias-corrected step.
// stepSize = lr / (1 - beta1^t), correction2 = sqrt(1 - beta2^t), computed on the host.
extern "C" __global__ void adamw_update(float* param, const float* grad, float* m, float* v, long long n,
                                        double lr, double beta1, double beta2, double eps, double weightDecay,
                                        double stepSize, double correction2) {
    GRID_STRIDE(e, n) {
        double g = grad[e];
        double p = (double) param[e] * (1.0 - lr * weightDecay);
        double mv = beta1 * (double) m[e] + (1.0 - beta1) * g;
        double vv = beta2 * (double) v[e] + (1.0 - beta2) * g * g;
        double denominator = sqrt(vv) / correction2 + eps;
        m[e] = (float) mv;
        v[e] = (float) vv;
        param[e] = (float) (p - stepSize * mv / denominator);
    }
}
