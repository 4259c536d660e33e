package dev.rain.common.error;

/** Stable machine codes of the API's problem+json errors, with their HTTP status and title. */
public enum ErrorCode {
    INVALID_REQUEST(400, "Invalid request"),
    UNAUTHORIZED(401, "Unauthorized"),
    FORBIDDEN(403, "Forbidden"),
    NOT_OWNER(403, "Not the rain's anchor"),
    WRONG_ROOM(403, "Wrong room"),
    NOT_A_MEMBER(403, "Not a member of the group"),
    NOT_FOUND(404, "Not found"),
    RAIN_NOT_FOUND(404, "Rain not found"),
    METHOD_NOT_ALLOWED(405, "Method not allowed"),
    INSUFFICIENT_FUNDS(409, "Insufficient funds"),
    REFERENCE_REUSED(409, "Reference reused"),
    ALREADY_PREPARED(409, "Already prepared"),
    PREPARE_IN_PROGRESS(409, "Prepare in progress"),
    NOT_PREPARED(409, "Not prepared"),
    ALREADY_STARTED(409, "Already started"),
    NOT_STARTED(409, "Not started"),
    ENDED(409, "Ended"),
    GROUP_FULL(409, "Group full"),
    PAYLOAD_TOO_LARGE(413, "Payload too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
    URI_TOO_LONG(414, "URI too long"),
    HEADERS_TOO_LARGE(431, "Request header fields too large"),
    RATE_LIMITED(429, "Too many requests"),
    TOO_MANY_CONNECTIONS(429, "Too many connections"),
    INTERNAL(500, "Internal error"),
    UNAVAILABLE(503, "Service unavailable");

    private final int status;
    private final String title;

    ErrorCode(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The problem type URI: stable, documentation-shaped, derived from the code. */
    public String type() {
        return "https://rain.dev/problems/" + name().toLowerCase().replace('_', '-');
    }
}
