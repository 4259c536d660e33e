package dev.rain.api.http;

import java.util.Set;

/** The authenticated user of a request: the token's {@code sub} and {@code roles}. */
public record Caller(String userId, Set<String> roles) {

    public static final String VIEWER = "viewer";
    public static final String ANCHOR = "anchor";
    public static final String ADMIN = "admin";
    /** The IM platform: tells rain who is in which chat group. */
    public static final String SERVICE = "service";

    public boolean has(String role) {
        return roles.contains(role);
    }

    public boolean isAdmin() {
        return has(ADMIN);
    }
}
