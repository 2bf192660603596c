package org.opensearch.multimodal.math;

import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Guided Query Refinement (Uzan et al., ICLR 2026; docs/DESIGN.md §6): a few Adam steps move the primary retriever's query
 * parameters z toward what the complementary retrievers believe about the pool, then the pool is ranked by the
 * primary alone. Target, fixed from the starting scores: {@code p = (1 - alpha) softmax(n1(s1)/T) + alpha * mean_j
 * softmax(nj(s2_j)/T)}; each step minimizes {@code KL(p || softmax(n1(s1(z))/T))}, whose gradient with respect to the
 * logits is {@code p1 - p}. {@code n} is the normalization (min_max by default, its constants taken once from the
 * starting scores; none reproduces the paper). A complementary score of {@code NaN} (a document that retriever cannot
 * score) counts as that retriever's lowest score.
 */
public final class GuidedQueryRefinement {

    /** The refinement's knobs; {@code steps 0} ranks the pool by the primary alone. */
    /**
     * The refinement's parameters. The query's GQR specification validates and names them for users; here they are
     * invariants.
     */
    public record Parameters(int steps, float learningRate, float temperature, float alpha, ScoreNormalization normalization) {

        public Parameters {
            assert steps >= 0 : "steps " + steps;
            assert learningRate > 0 : "learning rate " + learningRate;
            assert temperature > 0 : "temperature " + temperature;
            assert alpha >= 0 && alpha <= 1 : "alpha " + alpha;
            assert normalization == ScoreNormalization.MIN_MAX || normalization == ScoreNormalization.NONE : normalization;
        }
    }

    /**
     * The refined parameters, the primary's scores before and after, and the loss before each step taken and at the
     * end (fewer steps than asked for when the refinement was stopped).
     */
    public record Result(float[] z, float[] initialScores, float[] scores, double[] losses) {

        public int stepsTaken() {
            return losses.length - 1;
        }
    }

    private GuidedQueryRefinement() {
    }

    /**
     * Refines {@code z0} for {@code parameters.steps()} steps, asking {@code stop} before each: once it answers true,
     * the parameters reached so far are the result (a request's timeout); what it throws ends the refinement (a
     * cancelled request).
     */
    public static Result refine(
        float[] z0,
        RefinablePrimary primary,
        float[][] complementaryScores,
        Parameters parameters,
        BooleanSupplier stop
    ) {
        float[] z = z0.clone();
        float[] initial = primary.scores(z);
        Objective objective = Objective.of(primary, initial, complementaryScores, parameters);
        double[] losses = new double[parameters.steps() + 1];
        float[] gradient = new float[z.length];
        Adam adam = new Adam(z.length, parameters.learningRate());
        int step = 0;
        for (; step < parameters.steps() && stop.getAsBoolean() == false; step++) {
            losses[step] = objective.lossAndGradient(z, gradient);
            adam.step(z, gradient);
        }
        float[] scores = primary.scores(z);
        losses[step] = objective.lossAndGradient(z, null);
        return new Result(z, initial, scores, Arrays.copyOf(losses, step + 1));
    }

    /** The KL objective of one refinement: target and normalization constants fixed from the starting scores. */
    static final class Objective {

        private final RefinablePrimary primary;
        private final double[] target;
        private final float offset;
        private final float scale; // 1 / (T * range) for min_max, 1 / T for none

        private Objective(RefinablePrimary primary, double[] target, float offset, float scale) {
            this.primary = primary;
            this.target = target;
            this.offset = offset;
            this.scale = scale;
        }

        static Objective of(RefinablePrimary primary, float[] initial, float[][] complementaryScores, Parameters parameters) {
            float offset = 0f;
            float range = 1f;
            if (parameters.normalization() == ScoreNormalization.MIN_MAX) {
                float min = Float.POSITIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                for (float s : initial) {
                    min = Math.min(min, s);
                    max = Math.max(max, s);
                }
                offset = min;
                range = max > min ? max - min : 1f;
            }
            float scale = 1f / (parameters.temperature() * range);
            double[] target = softmax(scaled(initial, offset, scale));
            for (int i = 0; i < target.length; i++) {
                target[i] *= 1 - parameters.alpha();
            }
            for (float[] complementary : complementaryScores) {
                double[] q = softmax(logits(complementary, parameters));
                for (int i = 0; i < target.length; i++) {
                    target[i] += parameters.alpha() * q[i] / complementaryScores.length;
                }
            }
            if (complementaryScores.length == 0) {
                double[] own = softmax(scaled(initial, offset, scale));
                for (int i = 0; i < target.length; i++) {
                    target[i] += parameters.alpha() * own[i];
                }
            }
            return new Objective(primary, target, offset, scale);
        }

        /**
         * KL(target || softmax(logits(z))); when {@code gradient} is not null, fills it with dL/dz. log p1 comes from a
         * log-softmax, so no epsilon is needed inside the logs (the reference adds 1e-8): the loss is then exactly the
         * one whose logit gradient is {@code p1 - p}, even where the softmax underflows.
         */
        double lossAndGradient(float[] z, float[] gradient) {
            double[] logits = scaled(primary.scores(z), offset, scale);
            double[] p1 = softmax(logits);
            double logNormalizer = logSumExp(logits);
            double loss = 0;
            for (int i = 0; i < p1.length; i++) {
                if (target[i] > 0) {
                    loss += target[i] * (Math.log(target[i]) - (logits[i] - logNormalizer));
                }
            }
            if (gradient != null) {
                float[] weights = new float[p1.length];
                for (int i = 0; i < p1.length; i++) {
                    weights[i] = (float) ((p1[i] - target[i]) * scale);
                }
                primary.weightedGradient(z, weights, gradient);
            }
            return loss;
        }

        private static double[] scaled(float[] scores, float offset, float scale) {
            double[] logits = new double[scores.length];
            for (int i = 0; i < scores.length; i++) {
                logits[i] = (scores[i] - offset) * scale;
            }
            return logits;
        }

        /** A complementary retriever's logits: NaN as its lowest score, then its own normalization, over T. */
        private static double[] logits(float[] scores, Parameters parameters) {
            float lowest = Float.POSITIVE_INFINITY;
            for (float s : scores) {
                if (Float.isNaN(s) == false) {
                    lowest = Math.min(lowest, s);
                }
            }
            float[] filled = scores.clone();
            for (int i = 0; i < filled.length; i++) {
                if (Float.isNaN(filled[i])) {
                    filled[i] = lowest == Float.POSITIVE_INFINITY ? 0f : lowest;
                }
            }
            float[] normalized = parameters.normalization().apply(filled);
            double[] logits = new double[normalized.length];
            for (int i = 0; i < normalized.length; i++) {
                logits[i] = normalized[i] / parameters.temperature();
            }
            return logits;
        }
    }

    static double logSumExp(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (double l : logits) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum);
    }

    /** Numerically stable softmax. */
    static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double[] out = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            out[i] = Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }
}
