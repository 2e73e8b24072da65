package com.esimorders.webhook;

import com.esimorders.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.ExchangeProperty;

/** The JSON body of a webhook's 200 answer: {"status":"applied|duplicate|conflict|quarantined"[,"reason":...]}. */
public final class WebhookAnswers {

    public String stored(@ExchangeProperty("verdict") WebhookVerdict verdict) throws JsonProcessingException {
        Map<String, String> answer = new LinkedHashMap<>();
        if (verdict.quarantined()) {
            answer.put("status", "quarantined");
            answer.put("reason", verdict.reason());
        } else {
            answer.put("status", verdict.event().toLowerCase(Locale.ROOT));
        }
        return Json.MAPPER.writeValueAsString(answer);
    }
}
