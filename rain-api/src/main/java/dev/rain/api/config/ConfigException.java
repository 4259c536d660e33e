package dev.rain.api.config;

/** A configuration value that cannot be used; the message names the variable and what is wrong. */
public class ConfigException extends RuntimeException {

    public ConfigException(String message) {
        super(message);
    }
}
