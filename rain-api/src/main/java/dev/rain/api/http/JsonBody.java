package dev.rain.api.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rain.common.error.ErrorCode;
import dev.rain.common.error.RainException;
import dev.rain.common.event.Json;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;
import java.util.function.Predicate;
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
        ObjectNode object = readObject(utf8(body.getBytes()));
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowedFields.contains(name)) {
                // The field is named back to the client: never echo raw control or bidi characters.
                throw new FieldException(printable(name), "unknown field '" + printable(name) + "'");
            }
        }
        return new JsonBody(object);
    }

    /**
     * RFC 8259 bodies are UTF-8. Jackson would otherwise guess UTF-16 or UTF-32 from the first bytes, and
     * a body that means one thing to us and another to a proxy or a log reader is a smuggling vector.
     */
    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
        } catch (CharacterCodingException e) {
            throw new RainException(ErrorCode.INVALID_REQUEST, "the body is not valid UTF-8");
        }
    }

    /**
     * Reads one flat JSON object token by token, so a duplicated key is refused with its name (Jackson's
     * own duplicate check only says "the body is not valid JSON"), and nested values are skipped rather
     * than built: no request field is an object or an array, so they are refused by type later.
     */
    private static ObjectNode readObject(String text) {
        try (JsonParser parser = Json.MAPPER.createParser(text)) {
            parser.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new RainException(ErrorCode.INVALID_REQUEST, "the body must be a JSON object");
            }
            ObjectNode object = Json.MAPPER.createObjectNode();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                if (object.has(name)) {
                    throw new FieldException(printable(name), "the field '" + printable(name) + "' appears more than once");
                }
                object.set(name, value(parser, parser.nextToken()));
            }
            if (parser.nextToken() != null) {
                throw new RainException(ErrorCode.INVALID_REQUEST, "the body must be exactly one JSON object");
            }
            return object;
        } catch (StreamConstraintsException e) {
            throw new RainException(ErrorCode.INVALID_REQUEST, "the body nests too deeply, or holds a number or a string too long");
        } catch (JsonProcessingException e) {
            // Never the parser's own message: it quotes the input and Jackson's internals, and changes with versions.
            throw new RainException(ErrorCode.INVALID_REQUEST, "the body is not valid JSON");
        } catch (IOException e) {
            throw new RainException(ErrorCode.INVALID_REQUEST, "the body could not be read");
        }
    }

    private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
        JsonNodeFactory nodes = Json.MAPPER.getNodeFactory();
        return switch (token) {
            case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                ? nodes.numberNode(parser.getBigIntegerValue())
                : nodes.numberNode(parser.getLongValue());
            // Only its kind matters (a fraction or an exponent is refused), so never parse its digits.
            case VALUE_NUMBER_FLOAT -> nodes.numberNode(0.5d);
            case VALUE_STRING -> nodes.textNode(parser.getText());
            case VALUE_TRUE, VALUE_FALSE -> nodes.booleanNode(token == JsonToken.VALUE_TRUE);
            case VALUE_NULL -> nodes.nullNode();
            case START_OBJECT -> {
                parser.skipChildren();
                yield nodes.objectNode();
            }
            case START_ARRAY -> {
                parser.skipChildren();
                yield nodes.arrayNode();
            }
            default -> throw new RainException(ErrorCode.INVALID_REQUEST, "the body is not valid JSON");
        };
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
        return requiredString(field, value -> pattern.matcher(value).matches(), expectation);
    }

    /** As {@link #requiredString(String, Pattern, String)}, with the shape checked by code (see {@code Ids}). */
    public String requiredString(String field, Predicate<String> shape, String expectation) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            throw new FieldException(field, field + " is required");
        }
        if (!node.isTextual()) {
            throw new FieldException(field, field + " must be a string");
        }
        String value = node.textValue();
        if (!shape.test(value)) {
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
    static String printable(String name) {
        String text = name == null ? "" : name;
        String cut = text.length() > 64 ? text.substring(0, 64) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
