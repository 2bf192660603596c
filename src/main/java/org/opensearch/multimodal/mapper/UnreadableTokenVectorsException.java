package org.opensearch.multimodal.mapper;

/**
 * A {@code multi_vector} field's stored value this build cannot read: another format version (written by a later build
 * of the plugin), or another encoding or dims than the field's. Readers add the field's name ({@link #forField}).
 */
public final class UnreadableTokenVectorsException extends IllegalStateException {

    UnreadableTokenVectorsException(String message) {
        super(message);
    }

    /** The same problem, naming {@code field}. */
    public UnreadableTokenVectorsException forField(String field) {
        UnreadableTokenVectorsException named = new UnreadableTokenVectorsException("field [" + field + "]: " + getMessage());
        named.setStackTrace(getStackTrace());
        return named;
    }
}
