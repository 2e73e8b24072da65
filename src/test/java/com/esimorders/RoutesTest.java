package com.esimorders;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.Route;
import org.apache.camel.model.Model;
import org.junit.jupiter.api.Test;

/**
 * Every YAML file in {@code routes/} loads (a YAML typo or an endpoint option Camel does not know fails here, at
 * build time) and defines a route (or route configuration) whose id is the file's name without its travel-order
 * number ({@code 03-submit-order} holds route {@code submit-order}), so that a listing of the folders names the routes
 * in the order a message travels.
 */
class RoutesTest {

    @Test
    void everyRouteFileLoadsAndNamesItsRoute() throws IOException {
        List<String> stems;
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            stems = files.map(path -> path.getFileName().toString()).filter(name -> name.endsWith(".camel.yaml"))
                    .map(name -> name.substring(0, name.length() - ".camel.yaml".length()).replaceFirst("^\\d+-", ""))
                    .toList();
        }
        assertThat(stems).hasSizeGreaterThan(20);

        try (TestApp app = TestApp.start(Map.of())) {
            List<String> ids = new ArrayList<>(app.context().getRoutes().stream().map(Route::getRouteId).toList());
            // a file may hold only a route configuration (error handling that routes opt into)
            app.context().getCamelContextExtension().getContextPlugin(Model.class).getRouteConfigurationDefinitions()
                    .forEach(configuration -> ids.add(configuration.getId()));
            assertThat(ids).containsAll(stems);
        }
    }
}
