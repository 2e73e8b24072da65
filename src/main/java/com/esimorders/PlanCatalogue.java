package com.esimorders;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The plans the reseller sells: option_id, name, country, data volume, days. Emails name the plan from it, and
 * the sandbox simulator judges option_ids against it. Loaded from {@code esim.plans.file} when set (a file the
 * user edits), else from the packaged {@code plans.csv}.
 */
public final class PlanCatalogue {

    public record Plan(String optionId, String name, String country, int dataGb, int days) {
    }

    private final Map<String, Plan> plans;

    private PlanCatalogue(Map<String, Plan> plans) {
        this.plans = Collections.unmodifiableMap(plans);
    }

    public static PlanCatalogue load(String file) {
        try (InputStream in = file == null || file.isBlank()
                ? PlanCatalogue.class.getResourceAsStream("/plans.csv")
                : Files.newInputStream(Path.of(file));
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            Map<String, Plan> plans = new LinkedHashMap<>();
            CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).get();
            for (CSVRecord row : format.parse(reader)) {
                Plan plan = new Plan(row.get("option_id"), row.get("name"), row.get("country"),
                        Integer.parseInt(row.get("data_gb")), Integer.parseInt(row.get("days")));
                plans.put(plan.optionId(), plan);
            }
            return new PlanCatalogue(plans);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the plan catalogue " + (file == null ? "plans.csv" : file)
                    + ": " + e.getMessage(), e);
        }
    }

    public Optional<Plan> find(String optionId) {
        return Optional.ofNullable(plans.get(optionId));
    }

    public Map<String, Plan> all() {
        return plans;
    }
}
