package dev.rain.api.http;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The viewer page and the anchor console: plain HTML, CSS and JavaScript modules from the classpath's
 * {@code webroot/}, under {@code /app/}. They call the same /v1 API and room WebSocket as any client.
 */
final class PagesRoute {

    void mount(Router router) {
        router.get("/").handler(ctx -> ctx.redirect("/app/"));
        // Vert.x matches "/app" to "/app/" too: redirecting that one would send the home page to itself forever.
        router.get("/app").handler(ctx -> {
            if (ctx.request().path().endsWith("/")) {
                ctx.next();
            } else {
                ctx.redirect("/app/");
            }
        });
        router.get("/app/*").handler(ctx -> {
            // The pages hold bearer tokens: no inline script, no foreign origin, no framing.
            ctx.response()
                .putHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; "
                    + "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer");
            ctx.next();
        });
        router.get("/app/*").handler(StaticHandler.create("webroot")
            .setIndexPage("index.html")
            // A page and its modules change together on deploy: revalidate rather than mix versions.
            .setCachingEnabled(false)
            .setDirectoryListing(false));
    }
}
