package dev.rain.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.event.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A request body read strictly: a JSON object, no duplicated keys, no unknown fields, whole numbers
 * that fit a {@code long}, strings of the allowed alphabet. Every refusal names the field.
 */
public final class JsonBody {

    private final ObjectNode object;

    private JsonBody(ObjectNode object) {
        this.object = object;
    }

    /** An empty body reads as an empty object. */
    public static JsonBody parse(Buffer body, Set<String> allowedFields) {
        if (body == null || body.length() == 0) {
            return new JsonBody(Json.MAPPER.createObjectNode());
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body.getBytes());
        } catch (JsonProcessingException e) {
            throw new RainException(ErrorCode.INVALID_REQUEST, "the body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new RainException(ErrorCode.INVALID_REQUEST, "the body could not be read");
        }
        if (node == null || !node.isObject()) {
            throw new RainException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowedFields.contains(name)) {
                throw new FieldException(name, "unknown field '" + printable(name) + "'");
            }
        }
        return new JsonBody((ObjectNode) node);
    }

    public long requiredLong(String field, long min, long max) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            throw new FieldException(field, field + " is required");
        }
        return checkedLong(field, node, min, max);
    }

    public long optionalLong(String field, long fallback, long min, long max) {
        JsonNode node = object.get(field);
        if (node == null) {
            return fallback;
        }
        if (node.isNull()) {
            throw new FieldException(field, field + " must not be null");
        }
        return checkedLong(field, node, min, max);
    }

    private static long checkedLong(String field, JsonNode node, long min, long max) {
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new FieldException(field, field + " must be a whole number");
        }
        long value = node.longValue();
        if (value < min || value > max) {
            throw new FieldException(field, field + " must be between " + min + " and " + max);
        }
        return value;
    }

    public String requiredString(String field, Pattern pattern, String expectation) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            throw new FieldException(field, field + " is required");
        }
        if (!node.isTextual()) {
            throw new FieldException(field, field + " must be a string");
        }
        String value = node.textValue();
        if (!pattern.matcher(value).matches()) {
            throw new FieldException(field, field + " must be " + expectation);
        }
        return value;
    }

    public <E extends Enum<E>> E optionalEnum(String field, Class<E> type, E fallback) {
        JsonNode node = object.get(field);
        if (node == null) {
            return fallback;
        }
        if (!node.isTextual()) {
            throw new FieldException(field, field + " must be a string");
        }
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(node.textValue())) {
                return constant;
            }
        }
        throw new FieldException(field, field + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }

    /** Field names come from the client: keep the problem readable and free of control characters. */
    private static String printable(String name) {
        String cut = name.length() > 64 ? name.substring(0, 64) + "…" : name;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
