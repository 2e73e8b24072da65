package com.esimorders.intake;

import com.esimorders.Json;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.Collections;

/** JSON Lines: one order object per line; blank lines are skipped; a bad line does not stop the file. */
final class JsonLinesOrderReader extends OrderFileReader {

    private static final ObjectReader READER = Json.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final BufferedReader lines;
    private int lineNumber;

    JsonLinesOrderReader(String fileName, BufferedReader reader, OrderValidator validator) {
        super(fileName, reader, validator);
        this.lines = reader;
    }

    @Override
    protected FileEntry readNext() throws IOException {
        String text;
        do {
            text = lines.readLine();
            if (text == null) {
                return null;
            }
            lineNumber++;
        } while (text.isBlank());
        JsonNode node;
        try {
            node = READER.readTree(text);
        } catch (JsonProcessingException e) {
            return FileEntry.invalid(lineNumber, null, null, "malformed JSON: " + e.getOriginalMessage());
        }
        try {
            OrderDraft draft = OrderJson.draft(node);
            return entry(draft, Collections.nCopies(Math.max(1, draft.products().size()), lineNumber));
        } catch (OrderJson.WrongShapeException e) {
            return FileEntry.invalid(lineNumber, JsonOrderReader.idOf(node), null, "wrong shape: " + e.getMessage());
        }
    }

    @Override
    protected int currentLine() {
        return lineNumber + 1;
    }
}
