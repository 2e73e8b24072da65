package com.esimorders.submit;

import com.esimorders.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reads the provider's JSON answers: the accepted order's items, and the texts of its error bodies. */
public final class ProviderResponse {

    /** One unit of an accepted order. topup_id is 26 digits and always read as a string. */
    public record Item(String topupId, String optionId) {
    }

    private ProviderResponse() {
    }

    public static List<Item> items(byte[] body) {
        List<Item> items = new ArrayList<>();
        JsonNode products = parse(body).path("products");
        if (!products.isArray()) {
            throw new IllegalArgumentException("provider answered 2xx without a products array");
        }
        for (JsonNode product : products) {
            String topupId = product.path("topup_id").asText("");
            if (topupId.isEmpty()) {
                throw new IllegalArgumentException("provider answered a product without topup_id");
            }
            items.add(new Item(topupId, product.path("option_id").asText("")));
        }
        return items;
    }

    /**
     * The human texts of an error body: {"error":"..."}, {"error":{"code":..,"message":".."}} or {"errors":[..]}.
     * A body that is not JSON is returned as it is, shortened.
     */
    public static List<String> errorTexts(String body) {
        if (body == null || body.isBlank()) {
            return List.of();
        }
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (Exception notJson) {
            return List.of(body.length() > 300 ? body.substring(0, 300) + "..." : body.strip());
        }
        List<String> texts = new ArrayList<>();
        json.path("errors").forEach(error -> texts.add(error.isTextual() ? error.asText() : error.toString()));
        JsonNode error = json.path("error");
        if (error.isTextual()) {
            texts.add(error.asText());
        } else if (error.isObject()) {
            texts.add(error.path("message").asText(error.toString()));
        }
        if (texts.isEmpty()) {
            texts.add(json.toString());
        }
        return texts;
    }

    private static JsonNode parse(byte[] body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (Exception e) {
            throw new IllegalArgumentException("provider answered 2xx with a body that is not JSON", e);
        }
    }
}
