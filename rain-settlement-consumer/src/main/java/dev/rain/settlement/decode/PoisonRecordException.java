package dev.rain.settlement.decode;

/** A record that can never be settled as it is: retrying cannot help, it goes to the dead-letter topic. */
public final class PoisonRecordException extends Exception {

    public PoisonRecordException(String message) {
        super(message);
    }

    public PoisonRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
