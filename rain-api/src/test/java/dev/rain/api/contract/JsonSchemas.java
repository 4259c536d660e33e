package dev.rain.api.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * JSON Schema 2020-12, the dialect of OpenAPI 3.1 and of {@code docs/schemas}, with formats asserted: a
 * {@code date-time} that is not one is a violation, not an annotation.
 */
final class JsonSchemas {

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
        builder -> builder.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    private JsonSchemas() {
    }

    static Schema of(JsonNode schema) {
        return REGISTRY.getSchema(schema);
    }

    /** Every violation of {@code schema} by {@code value}, as the validator words it; empty when it conforms. */
    static List<String> violations(Schema schema, JsonNode value) {
        return schema.validate(value).stream().map(Error::toString).toList();
    }

    /** A file of the repository, found from the module the tests run in (Maven runs them in {@code rain-api}). */
    static Path repositoryFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("docs")) && Files.exists(dir.resolve("pom.xml"))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException("no repository root with docs/ above " + Path.of("").toAbsolutePath());
    }

    static JsonNode readJson(String relative) throws IOException {
        return JSON.readTree(repositoryFile(relative).toFile());
    }

    static JsonNode readYaml(String relative) throws IOException {
        return YAML.readTree(repositoryFile(relative).toFile());
    }
}
