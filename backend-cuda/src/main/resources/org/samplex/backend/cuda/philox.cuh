// Philox4x32-10 (Random123's philox4x32, 10 rounds) and the block of org.samplex.api.rng.RngStream at counter
// (lo32(block), hi32(block), lo32(substream), hi32(substream)) under key (k0, k1); TWO_POW_M24 maps a word's top 24
// bits to [0, 1). Put in place of the line #include "philox.cuh" by KernelCompiler.source.

__device__ __forceinline__ void philox(unsigned int c[4], unsigned int k0, unsigned int k1) {
    for (int r = 0; r < 10; r++) {
        if (r > 0) {
            k0 += 0x9E3779B9u;
            k1 += 0xBB67AE85u;
        }
        unsigned int hi0 = __umulhi(0xD2511F53u, c[0]);
        unsigned int lo0 = 0xD2511F53u * c[0];
        unsigned int hi1 = __umulhi(0xCD9E8D57u, c[2]);
        unsigned int lo1 = 0xCD9E8D57u * c[2];
        unsigned int n0 = hi1 ^ c[1] ^ k0;
        unsigned int n2 = hi0 ^ c[3] ^ k1;
        c[0] = n0;
        c[1] = lo1;
        c[2] = n2;
        c[3] = lo0;
    }
}

__device__ __forceinline__ void block_at(unsigned int w[4], unsigned long long block, unsigned long long substream,
                                         unsigned int k0, unsigned int k1) {
    w[0] = (unsigned int) block;
    w[1] = (unsigned int) (block >> 32);
    w[2] = (unsigned int) substream;
    w[3] = (unsigned int) (substream >> 32);
    philox(w, k0, k1);
}

#define TWO_POW_M24 5.9604644775390625e-08
