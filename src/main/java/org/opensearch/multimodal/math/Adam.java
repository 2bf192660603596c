package org.opensearch.multimodal.math;

/** The Adam optimizer over one flat parameter vector, updated in place (beta1 0.9, beta2 0.999, eps 1e-8 by default). */
public final class Adam {

    private final float learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float[] m;
    private final float[] v;
    private int step;

    public Adam(int size, float learningRate) {
        this(size, learningRate, 0.9f, 0.999f, 1e-8f);
    }

    public Adam(int size, float learningRate, float beta1, float beta2, float epsilon) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.m = new float[size];
        this.v = new float[size];
    }

    /** One step: {@code parameters -= lr * mHat / (sqrt(vHat) + eps)} with bias-corrected moments of {@code gradient}. */
    public void step(float[] parameters, float[] gradient) {
        step++;
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < parameters.length; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * gradient[i];
            v[i] = beta2 * v[i] + (1 - beta2) * gradient[i] * gradient[i];
            double mHat = m[i] / correction1;
            double vHat = v[i] / correction2;
            parameters[i] -= (float) (learningRate * mHat / (Math.sqrt(vHat) + epsilon));
        }
    }
}
