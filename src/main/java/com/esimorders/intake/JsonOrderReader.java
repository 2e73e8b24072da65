package com.esimorders.intake;

import com.esimorders.Json;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.util.Collections;

/**
 * A JSON file with one order object or an array of them, read one order at a time. The line of an order is the
 * line its opening brace is on. Malformed JSON ends the file at that point (the orders before it still count).
 */
final class JsonOrderReader extends OrderFileReader {

    private final JsonParser parser;
    private boolean started;
    private boolean array;
    private boolean done;

    JsonOrderReader(String fileName, Reader reader, OrderValidator validator) throws IOException {
        super(fileName, reader, validator);
        this.parser = Json.MAPPER.getFactory().createParser(reader);
    }

    @Override
    protected FileEntry readNext() throws IOException {
        if (done) {
            return null;
        }
        try {
            JsonToken token = parser.nextToken();
            if (!started) {
                started = true;
                array = token == JsonToken.START_ARRAY;
                if (array) {
                    token = parser.nextToken();
                }
            } else if (!array) {
                done = true;
                return token == null ? null : unexpectedContent();
            }
            if (token == null) {
                done = true;
                return array ? FileEntry.invalid(currentLine(), null, null, "malformed JSON: the array is not closed")
                        : null;
            }
            if (array && token == JsonToken.END_ARRAY) {
                done = true;
                return parser.nextToken() == null ? null : unexpectedContent();
            }
            int line = parser.currentTokenLocation().getLineNr();
            return entry(line, parser.readValueAsTree());
        } catch (JsonProcessingException e) {
            done = true;
            return FileEntry.invalid(currentLine(), null, null, "malformed JSON: " + e.getOriginalMessage());
        }
    }

    private FileEntry entry(int line, JsonNode node) {
        try {
            OrderDraft draft = OrderJson.draft(node);
            return entry(draft, Collections.nCopies(Math.max(1, draft.products().size()), line));
        } catch (OrderJson.WrongShapeException e) {
            return FileEntry.invalid(line, idOf(node), null, "wrong shape: " + e.getMessage());
        }
    }

    static String idOf(JsonNode node) {
        JsonNode id = node == null ? null : node.get("external_order_id");
        return id != null && id.isValueNode() ? id.asText() : null;
    }

    /** Anything after the single order or the array is an error. */
    private FileEntry unexpectedContent() {
        return FileEntry.invalid(parser.currentTokenLocation().getLineNr(), null, null,
                "unexpected content after the " + (array ? "array of orders" : "order"));
    }

    @Override
    protected int currentLine() {
        return parser.currentLocation().getLineNr();
    }

    @Override
    public void close() throws IOException {
        parser.close();
        super.close();
    }
}
