package com.esimorders.file;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsFileTest {

    @TempDir
    Path dir;

    @Test
    void aCellThatASpreadsheetWouldRunAsAFormulaStartsWithAQuote() throws IOException {
        ResultsFile results = new ResultsFile(dir, "orders.csv");
        results.write(0, List.of(new ResultsFile.Row(2, "=HYPERLINK(\"http://evil.example\",\"x\")", "+41 79", null,
                "INVALID", "-1 is not a qty")));
        results.write(1, List.of(new ResultsFile.Row(3, "@SUM(A1:A9)", "\tcmd", "", "INVALID", "\r=1+1")));
        results.write(2, List.of(new ResultsFile.Row(4, "A-1", "a=b+c", "12345678901234567890123456", "ACCEPTED", null)));

        List<CSVRecord> rows;
        try (Reader reader = Files.newBufferedReader(results.commit())) {
            rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
        }

        assertThat(rows.get(0).toList()).containsExactly("2", "'=HYPERLINK(\"http://evil.example\",\"x\")", "'+41 79", "",
                "INVALID", "'-1 is not a qty");
        assertThat(rows.get(1).toList()).containsExactly("3", "'@SUM(A1:A9)", "'\tcmd", "", "INVALID", "'\r=1+1");
        // only the first character counts
        assertThat(rows.get(2).toList()).containsExactly("4", "A-1", "a=b+c", "12345678901234567890123456", "ACCEPTED", "");
    }

    @Test
    void rowsComeInInputOrderWhateverOrderTheEntriesFinishIn() throws IOException {
        ResultsFile results = new ResultsFile(dir, "orders.csv");
        results.write(2, List.of(row(4)));
        results.write(0, List.of(row(2)));
        results.write(3, List.of(row(5), row(6)));
        results.write(1, List.of(row(3)));
        // entry 4 never finished (the file was stopped): entry 5 still comes out, then the last row
        results.write(5, List.of(row(9)));

        List<CSVRecord> rows;
        try (Reader reader = Files.newBufferedReader(results.commit(row(0)))) {
            rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader).getRecords();
        }

        assertThat(rows).extracting(r -> r.get("line")).containsExactly("2", "3", "4", "5", "6", "9", "0");
    }

    private static ResultsFile.Row row(int line) {
        return new ResultsFile.Row(line, "A-" + line, "opt", null, "ACCEPTED", null);
    }
}
