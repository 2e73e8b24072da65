package com.esimorders.webhook;

import com.esimorders.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.ExchangeProperty;

/** The JSON body of a webhook's 200 answer: {"status":"applied|duplicate|conflict|quarantined"[,"reason":...]}. */
public final class WebhookAnswers {

    public String stored(@ExchangeProperty("outcome") String outcome, @ExchangeProperty("event") String event,
            @ExchangeProperty("reason") String reason) throws JsonProcessingException {
        Map<String, String> answer = new LinkedHashMap<>();
        if ("QUARANTINE".equals(outcome)) {
            answer.put("status", "quarantined");
            answer.put("reason", reason);
        } else {
            answer.put("status", event.toLowerCase(Locale.ROOT));
        }
        return Json.MAPPER.writeValueAsString(answer);
    }
}
