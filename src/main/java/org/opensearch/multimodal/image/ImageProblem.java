package org.opensearch.multimodal.image;

import org.opensearch.core.rest.RestStatus;

import java.util.Locale;

/** Why an image could not be used, with the 4xx status its document fails with. */
public enum ImageProblem {

    /** Not an image value at all: empty, bad base64, a malformed URL or path. */
    INVALID_VALUE(RestStatus.BAD_REQUEST),
    /** Bytes that claim a known format but do not decode. */
    CORRUPT(RestStatus.BAD_REQUEST),
    /** Bytes that end before the image does. */
    TRUNCATED(RestStatus.BAD_REQUEST),
    /** A format none of the decoders reads. */
    UNSUPPORTED_FORMAT(RestStatus.UNSUPPORTED_MEDIA_TYPE),
    /** More bytes or pixels than the node allows. */
    TOO_LARGE(RestStatus.REQUEST_ENTITY_TOO_LARGE),
    /** A URL that resolves to an address the node must not reach, or a path outside the allowed directories. */
    BLOCKED(RestStatus.FORBIDDEN),
    /** The remote server did not answer in time. */
    TIMEOUT(RestStatus.REQUEST_TIMEOUT),
    /** The remote server or the file system had no such image, or could not be reached. */
    UNAVAILABLE(RestStatus.BAD_REQUEST);

    private final RestStatus status;

    ImageProblem(RestStatus status) {
        this.status = status;
    }

    public RestStatus status() {
        return status;
    }

    /** The words used in error messages, e.g. {@code unsupported format}. */
    public String words() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}
