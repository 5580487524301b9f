package org.samplex.models.rnn;

import java.util.ArrayList;
import java.util.List;
import org.samplex.api.Activation;
import org.samplex.api.rng.RngStream;
import org.samplex.api.tape.GemmSpec;
import org.samplex.api.tape.Ops;
import org.samplex.api.tape.Parameters;
import org.samplex.api.tape.SequenceOps;
import org.samplex.api.tape.Tape;
import org.samplex.api.tape.Tensor;

/**
 * One direction of one layer of a scan learner: the part that differs between Mamba and the minimal GRU. Both map
 * (B, N, in) to (B, N, out) through one linear scan ({@link SequenceOps#scan}); the stacking, the directions and
 * the readout around them are shared ({@link ScanNet}). Dimension letters: B batch, N positions, e Mamba's inner
 * channels (expand * width), S state size, R the rank of Delta's projection, h the minimal GRU's hidden width.
 */
sealed interface ScanBlock {

    /** The output width of one direction. */
    int outWidth();

    /** Declares this block's parameters, each name starting with {@code prefix}, for an input of width in. */
    void declare(Parameters.Builder b, String prefix, int in);

    /** Initializes the parameters {@link #declare} made, from the "init" stream. */
    void initialize(Parameters p, String prefix, RngStream init);

    /** (B, N, in) -> (B, N, out); reverse scans from the last position to the first. */
    Tensor forward(Tape tape, Parameters p, String prefix, Tensor x, boolean reverse);

    /** x * sigmoid(x), two elementwise ops. */
    static Tensor silu(Tape tape, Tensor x) {
        return Ops.mul(tape, x, Ops.sigmoid(tape, x));
    }

    /**
     * The minimal GRU (Feng et al. 2024, "Were RNNs All We Needed?"): z_t = sigmoid(Linear_z(x_t)), h~_t =
     * Linear_h(x_t), h_t = (1 - z_t) h_{t-1} + z_t h~_t, the gates depending on the input only, so the recurrence
     * is one scan with a_t = 1 - z_t and b_t = z_t h~_t. Linear_z and Linear_h are one (2h, in) product: rows
     * [0, h) are Linear_z, rows [h, 2h) Linear_h (torch.nn.Linear's initialization, U(+-1/sqrt(in)) for both).
     */
    record MinGru(int hidden) implements ScanBlock {
        @Override
        public int outWidth() {
            return hidden;
        }

        @Override
        public void declare(Parameters.Builder b, String prefix, int in) {
            b.add(prefix + "linear.weight", 2 * hidden, in).add(prefix + "linear.bias", 2 * hidden);
        }

        @Override
        public void initialize(Parameters p, String prefix, RngStream init) {
            p.initializeLinear(prefix + "linear", init);
        }

        @Override
        public Tensor forward(Tape tape, Parameters p, String prefix, Tensor x, boolean reverse) {
            Tensor weight = p.get(prefix + "linear.weight"); // (2h, in)
            Tensor gates = Ops.linear(tape, x, weight, p.get(prefix + "linear.bias")); // (B, N, 2h)
            Tensor pre = Ops.sliceLast(tape, gates, 0, hidden); // (B, N, h) z before the sigmoid
            Tensor candidate = Ops.sliceLast(tape, gates, hidden, hidden); // (B, N, h) h~
            Tensor z = Ops.sigmoid(tape, pre); // (B, N, h)
            Tensor negated = Ops.mul(tape, pre, Ops.constant(tape, -1.0, pre.shape())); // (B, N, h)
            Tensor keep = Ops.sigmoid(tape, negated); // (B, N, h) 1 - z, without cancellation
            return SequenceOps.scan(tape, keep, Ops.mul(tape, z, candidate), reverse); // (B, N, h)
        }
    }

    /**
     * Mamba's selective state-space block (Gu and Dao 2023, the reference mamba_simple.Mamba without its fused
     * paths): in_proj to x and the gate z, a depthwise causal convolution of width {@value #CONV} on x (causal in
     * the scan's direction), SiLU, the input-dependent Delta = softplus(dt_proj(x_proj(x)[:R])), B and C from
     * x_proj, A = -exp(A_log) diagonal per channel, the selective scan h_t = exp(Delta_t A) h_{t-1} +
     * Delta_t B_t x_t over e*S channels, y_t = C_t h_t + D x_t, gated by SiLU(z), out_proj. No biases on in_proj,
     * x_proj and out_proj, as Mamba's defaults.
     *
     * <p>Initialization as Mamba: Linear layers U(+-1/sqrt(fan_in)), the convolution's weight and bias
     * U(+-1/sqrt({@value #CONV})) (the weight stored (CONV, e), PyTorch's (e, 1, CONV) transposed),
     * dt_proj.weight U(+-R^-1/2), dt_proj.bias the inverse softplus of dt = exp(U(ln 0.001, ln 0.1)) (at least
     * 1e-4), A_log[i, s] = log(s + 1) (S4D-real), D = 1.
     *
     * @param width  the block's output width (Mamba's d_model)
     * @param expand e = expand * width inner channels
     * @param state  S, the state size per channel (Mamba's d_state)
     */
    record Mamba(int width, int expand, int state) implements ScanBlock {
        /** The convolution's width (Mamba's d_conv). */
        static final int CONV = 4;

        int inner() {
            return expand * width;
        }

        /** Mamba's dt_rank "auto": ceil(width / 16). */
        int rank() {
            return (width + 15) / 16;
        }

        @Override
        public int outWidth() {
            return width;
        }

        @Override
        public void declare(Parameters.Builder b, String prefix, int in) {
            int e = inner();
            b.add(prefix + "in_proj.weight", 2 * e, in)
                    .add(prefix + "conv1d.weight", CONV, e).add(prefix + "conv1d.bias", e)
                    .add(prefix + "x_proj.weight", rank() + 2 * state, e)
                    .add(prefix + "dt_proj.weight", e, rank()).add(prefix + "dt_proj.bias", e)
                    .add(prefix + "A_log", e, state).add(prefix + "D", e)
                    .add(prefix + "out_proj.weight", width, e);
        }

        @Override
        public void initialize(Parameters p, String prefix, RngStream init) {
            int e = inner();
            p.initializeUniform(prefix + "in_proj.weight", 1 / Math.sqrt(p.get(prefix + "in_proj.weight").dim(1)),
                    init);
            p.initializeUniform(prefix + "conv1d.weight", 1 / Math.sqrt(CONV), init);
            p.initializeUniform(prefix + "conv1d.bias", 1 / Math.sqrt(CONV), init);
            p.initializeUniform(prefix + "x_proj.weight", 1 / Math.sqrt(e), init);
            p.initializeUniform(prefix + "dt_proj.weight", 1 / Math.sqrt(rank()), init);
            String dtBias = prefix + "dt_proj.bias";
            double[] bias = new double[e];
            for (int i = 0; i < e; i++) {
                double u = init.uniform(p.names().indexOf(dtBias), i);
                double dt = Math.max(1e-4, Math.exp(Math.log(1e-3) + u * (Math.log(0.1) - Math.log(1e-3))));
                bias[i] = dt + Math.log(-Math.expm1(-dt)); // softplus(bias) = dt
            }
            p.backend().copyFromHost(p.get(dtBias).value(), bias);
            double[] aLog = new double[e * state];
            for (int i = 0; i < aLog.length; i++) {
                aLog[i] = Math.log(i % state + 1);
            }
            p.backend().copyFromHost(p.get(prefix + "A_log").value(), aLog);
            p.initializeConstant(prefix + "D", 1.0);
            p.initializeUniform(prefix + "out_proj.weight", 1 / Math.sqrt(e), init);
        }

        @Override
        public Tensor forward(Tape tape, Parameters p, String prefix, Tensor x, boolean reverse) {
            int batch = x.dim(0);
            int positions = x.dim(1);
            int rows = batch * positions;
            int e = inner();
            int s = state;
            int r = rank();
            Tensor xz = Ops.linear(tape, x, p.get(prefix + "in_proj.weight"), null); // (B, N, 2e)
            Tensor xs = Ops.sliceLast(tape, xz, 0, e); // (B, N, e)
            Tensor z = Ops.sliceLast(tape, xz, e, e); // (B, N, e)
            Tensor conv = causalConv(tape, p, prefix, xs, reverse); // (B, N, e)
            Tensor xc = silu(tape, conv); // (B, N, e)
            Tensor xdbl = Ops.linear(tape, xc, p.get(prefix + "x_proj.weight"), null); // (B, N, R+2S)
            Tensor dtLow = Ops.sliceLast(tape, xdbl, 0, r); // (B, N, R)
            Tensor bIn = Ops.sliceLast(tape, xdbl, r, s); // (B, N, S)
            Tensor cOut = Ops.sliceLast(tape, xdbl, r + s, s); // (B, N, S)
            Tensor delta = Ops.linear(tape, dtLow, p.get(prefix + "dt_proj.weight"), p.get(prefix + "dt_proj.bias"),
                    Activation.SOFTPLUS); // (B, N, e)
            Tensor negA = Ops.activation(tape, Activation.EXP, p.get(prefix + "A_log")); // (e, S) -A
            // Delta[., i] A[i, .] per channel i: e outer products (B*N, 1) (1, S), alpha -1
            GemmSpec perChannel = new GemmSpec(false, false, rows, s, 1, -1.0, e, 1, s, s, e * s, s, e);
            Tensor deltaA = Ops.gemm(tape, perChannel, delta, negA, batch, positions, e * s); // (B, N, e*S)
            Tensor decay = Ops.activation(tape, Activation.EXP, deltaA); // (B, N, e*S) exp(Delta A)
            Tensor dx = Ops.mul(tape, delta, xc); // (B, N, e)
            // (Delta x)[p, .] B[p, .] per position p: B*N outer products (e, 1) (1, S)
            GemmSpec perPosition = new GemmSpec(false, false, e, s, 1, 1.0, 1, e, s, s, s, (long) e * s, rows);
            Tensor input = Ops.gemm(tape, perPosition, dx, bIn, batch, positions, e * s); // (B, N, e*S)
            Tensor h = SequenceOps.scan(tape, decay, input, reverse); // (B, N, e*S)
            // y[p, i] = sum_s h[p, i, s] C[p, s]: B*N products (e, S) (S, 1), C[p] stored as its transpose (1, S),
            // the same memory, so each element is a dot product along contiguous memory
            GemmSpec readState = new GemmSpec(false, true, e, 1, s, 1.0, s, (long) e * s, s, s, 1, e, rows);
            Tensor y = Ops.gemm(tape, readState, h, cOut, batch, positions, e); // (B, N, e)
            Tensor skipWeight = broadcastRows(tape, p.get(prefix + "D"), batch, positions); // (B, N, e)
            Tensor skip = Ops.mul(tape, xc, skipWeight); // (B, N, e) D x
            Tensor gated = Ops.mul(tape, Ops.add(tape, y, skip), silu(tape, z)); // (B, N, e)
            return Ops.linear(tape, gated, p.get(prefix + "out_proj.weight"), null); // (B, N, width)
        }

        /**
         * out[b, t, i] = bias[i] + sum_j w[j, i] x[b, t - (CONV-1-j), i] in scan order (t + ... when reverse),
         * positions outside the prompt reading 0: the CONV shifted copies of x side by side (tap j in columns
         * [j e, (j+1) e)), times the weights broadcast over positions, then the taps summed by one batched product
         * per position. The weight is stored (CONV, e), tap-major: PyTorch's (e, 1, CONV) transposed.
         */
        private Tensor causalConv(Tape tape, Parameters p, String prefix, Tensor x, boolean reverse) {
            int batch = x.dim(0);
            int positions = x.dim(1);
            int e = x.dim(2);
            int rows = batch * positions;
            Tensor flat = Ops.reshape(tape, x, batch, positions * e); // (B, N*e)
            List<Tensor> taps = new ArrayList<>(CONV);
            for (int j = 0; j < CONV; j++) {
                Tensor tap = shifted(tape, flat, (CONV - 1 - j) * e, reverse); // (B, N*e)
                taps.add(Ops.reshape(tape, tap, rows, e)); // (B*N, e)
            }
            Tensor window = Ops.concatLast(tape, taps); // (B*N, CONV*e)
            Tensor weights = broadcastRows(tape, p.get(prefix + "conv1d.weight"), batch, positions); // (B, N, CONV*e)
            Tensor stacked = Ops.reshape(tape, window, batch, positions, CONV * e); // (B, N, CONV*e)
            Tensor products = Ops.mul(tape, stacked, weights); // (B, N, CONV*e)
            // per position: ones (1, CONV) times its (CONV, e) products
            GemmSpec sumTaps = new GemmSpec(false, false, 1, e, CONV, 1.0, CONV, 0, e, (long) CONV * e, e, e, rows);
            Tensor ones = Ops.constant(tape, 1.0, 1, CONV); // (1, CONV)
            Tensor conv = Ops.gemm(tape, sumTaps, ones, products, batch, positions, e); // (B, N, e)
            return Ops.biasAdd(tape, conv, p.get(prefix + "conv1d.bias")); // (B, N, e)
        }

        /** v (w elements, any shape) repeated at every position: ones (B*N, 1) times v as (1, w). */
        private static Tensor broadcastRows(Tape tape, Tensor v, int batch, int positions) {
            int width = Math.toIntExact(v.size());
            int rows = batch * positions;
            Tensor ones = Ops.constant(tape, 1.0, rows, 1); // (B*N, 1)
            return Ops.gemm(tape, GemmSpec.dense(false, false, rows, width, 1), ones, v, batch, positions, width);
        }

        /** x (B, L) moved {@code shift} columns later (earlier when reverse), zeros filling the gap. */
        private static Tensor shifted(Tape tape, Tensor x, int shift, boolean reverse) {
            int batch = x.dim(0);
            int length = x.dim(1);
            if (shift == 0) {
                return x;
            }
            if (shift >= length) {
                return Ops.zeros(tape, batch, length);
            }
            Tensor kept = Ops.sliceLast(tape, x, reverse ? shift : 0, length - shift); // (B, L - shift)
            Tensor pad = Ops.zeros(tape, batch, shift); // (B, shift)
            return Ops.concatLast(tape, reverse ? List.of(kept, pad) : List.of(pad, kept));
        }
    }
}
