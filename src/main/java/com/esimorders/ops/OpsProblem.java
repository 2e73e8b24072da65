package com.esimorders.ops;

/**
 * An operator request that cannot be served as asked: answered with its HTTP status and {@code {"error": message}}.
 * The subclasses take only a message, so routes can throw them with {@code throwException}.
 */
public class OpsProblem extends RuntimeException {

    private final int status;

    public OpsProblem(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int getStatus() {
        return status;
    }

    /** 400: a parameter or body the API cannot read. */
    public static class BadRequest extends OpsProblem {
        public BadRequest(String message) {
            super(400, message);
        }
    }

    /** 404: no such order, eSIM or quarantined webhook. */
    public static class NotFound extends OpsProblem {
        public NotFound(String message) {
            super(404, message);
        }
    }

    /** 409: the item is not in a state that allows the action; the message says why. */
    public static class Conflict extends OpsProblem {
        public Conflict(String message) {
            super(409, message);
        }
    }
}
