package dev.rain.api.http;

import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;

/** A request field that is missing or wrong; the problem names it. */
public final class FieldException extends RainException {

    private final String field;

    public FieldException(String field, String detail) {
        super(ErrorCode.INVALID_REQUEST, detail);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
