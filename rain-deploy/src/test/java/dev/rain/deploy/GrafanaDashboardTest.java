package dev.rain.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * ops/grafana/rain.json imports as a dashboard: panels that fit the grid, each query on the chosen data source.
 * That its queries name series the services really export is checked where the services run (OpsEndpointsIT,
 * SettlementServiceIT).
 */
class GrafanaDashboardTest {

    private static final int GRID_COLUMNS = 24;
    private static JsonNode dashboard;

    @BeforeAll
    static void load() throws Exception {
        dashboard = new ObjectMapper().readTree(RepoFiles.resolve("ops/grafana/rain.json").toFile());
    }

    private static List<JsonNode> panels() {
        return StreamSupport.stream(dashboard.path("panels").spliterator(), false).toList();
    }

    @Test
    @DisplayName("the dashboard has a stable uid and asks which Prometheus to read instead of naming one")
    void identityAndDataSource() {
        assertEquals("rain-overview", dashboard.path("uid").asText());
        JsonNode variable = dashboard.path("templating").path("list").get(0);
        assertEquals("datasource", variable.path("type").asText());
        assertEquals("prometheus", variable.path("query").asText());
    }

    @Test
    @DisplayName("every panel has its own id and fits the 24-column grid; every query uses the data source variable")
    void panelsAndQueries() {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : panels()) {
            assertTrue(ids.add(panel.path("id").asInt()), "id " + panel.path("id") + " used twice");
            JsonNode grid = panel.path("gridPos");
            assertTrue(grid.path("x").asInt() + grid.path("w").asInt() <= GRID_COLUMNS, panel.path("title") + " overflows");
            for (JsonNode target : panel.path("targets")) {
                assertFalse(target.path("expr").asText().isBlank(), panel.path("title") + " has an empty query");
                assertEquals("${datasource}", target.path("datasource").path("uid").asText(), panel.path("title").asText());
            }
        }
        assertTrue(panels().stream().filter(p -> !p.path("type").asText().equals("row")).count() >= 10, "panels");
    }
}
