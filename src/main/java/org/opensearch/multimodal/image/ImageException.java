package org.opensearch.multimodal.image;

import org.opensearch.OpenSearchStatusException;

import java.util.Locale;

/** An image that cannot be used: its {@link ImageProblem} sets the status, the message says what was found. */
public final class ImageException extends OpenSearchStatusException {

    private final ImageProblem problem;

    public ImageException(ImageProblem problem, String detail) {
        this(problem, detail, null);
    }

    public ImageException(ImageProblem problem, String detail, Throwable cause) {
        super(String.format(Locale.ROOT, "%s image: %s", problem.words(), detail), problem.status(), cause);
        this.problem = problem;
    }

    public ImageProblem problem() {
        return problem;
    }
}
