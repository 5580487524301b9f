// Row gathers and column copies (concatenation and slicing along the last axis) of the cuda backend.

#define GRID_STRIDE(e, n) \
    for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < (n); \
         e += (long long) blockDim.x * gridDim.x)

// out (n, width) row r = table row index[r]; the indices were checked on the host.
extern "C" __global__ void gather_rows_forward(float* out, const float* table, const int* index, int n,
                                               int width) {
    GRID_STRIDE(e, (long long) n * width) {
        long long r = e / width;
        int j = (int) (e % width);
        out[e] = table[(long long) index[r] * width + j];
    }
}

// dTable row t += dOut rows r with index[r] = t, added in increasing r (no atomics: the same bits every run).
// order lists the rows r grouped by their index, increasing within a group; rowStart (rows + 1) bounds the groups.
extern "C" __global__ void gather_rows_backward(float* dTable, const float* dOut, const int* rowStart,
                                                const int* order, int rows, int width) {
    GRID_STRIDE(e, (long long) rows * width) {
        int t = (int) (e / width);
        int j = (int) (e % width);
        int begin = rowStart[t];
        int end = rowStart[t + 1];
        if (begin < end) {
            float acc = dTable[e];
            for (int k = begin; k < end; k++) {
                acc += dOut[(long long) order[k] * width + j];
            }
            dTable[e] = acc;
        }
    }
}

// columns [dstCol0, dstCol0 + width) of dst (rows, dstWidth) = (or +=, when accumulate) columns
// [srcCol0, srcCol0 + width) of src (rows, srcWidth).
extern "C" __global__ void copy_columns(float* dst, int dstWidth, int dstCol0, const float* src, int srcWidth,
                                        int srcCol0, int rows, int width, int accumulate) {
    GRID_STRIDE(e, (long long) rows * width) {
        long long r = e / width;
        int j = (int) (e % width);
        float v = src[r * srcWidth + srcCol0 + j];
        long long at = r * dstWidth + dstCol0 + j;
        dst[at] = accumulate ? dst[at] + v : v;
    }
}
