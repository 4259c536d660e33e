package dev.rain.common.error;

/** The one error type of the service: a stable code and a human detail. */
public class RainException extends RuntimeException {

    private final ErrorCode code;

    public RainException(ErrorCode code, String detail) {
        super(detail, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }
}
