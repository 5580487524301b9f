package org.samplex.testkit.conformance;

import java.util.Map;

/**
 * The float64 reference of a case too large for the reference backend to run whole (attention at N = 4096 costs
 * it N^2 hd operations per head, with an exp in the innermost loop): the case's upstream gradients are zero
 * outside a sample of elements, which confines the backward to that sample, and the expected values are
 * computed here for the sampled elements only. {@link Conformance} compares exactly the elements whose expected
 * value is not NaN, with the tolerance it derives for every case.
 */
public interface SampledReference {

    /**
     * The upstream gradient of {@code output} at {@code element}, given the value drawn there from [-1, 1): 0
     * outside the sample; inside it, the drawn value or another one in [-1, 1].
     */
    double upstream(String output, int element, double drawn);

    /**
     * Expected outputs and input gradients by name, as {@link Conformance#run} returns them from a backend: full
     * length, NaN at every element that is not checked.
     *
     * @param inputs   the uploaded inputs
     * @param upstream the upstream gradients (zero outside the sample)
     * @param base     the gradients' starting values
     */
    Map<String, double[]> expected(Map<String, double[]> inputs, Map<String, double[]> upstream,
                                   Map<String, double[]> base);
}
