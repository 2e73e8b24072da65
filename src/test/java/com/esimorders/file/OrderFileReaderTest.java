package com.esimorders.file;

import static org.assertj.core.api.Assertions.assertThat;

import com.esimorders.order.Order;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrderFileReaderTest {

    static final String JP = "3f6c2a9e-8b1d-4c7a-9e2f-1a5b6c7d8e01";
    static final String KR = "7b2e4d1c-5a6f-4e8b-b3c9-2d4e6f8a0b12";
    static final String HEADER = "external_order_id,option_id,qty,customer_email,customer_name";

    @TempDir
    Path dir;

    @Test
    void csvGroupsAdjacentRowsAndReadsQuotedFields() throws IOException {
        List<FileEntry> entries = read("a.csv", "\uFEFF" + HEADER + "\r\n"
                + "A-1," + JP + ",1,ann@example.com,\"Smith, Ann\"\r\n"
                + "A-1," + KR + ",2,,\r\n"
                + "\r\n"
                + "B-1," + JP + ",3,,\"Bob \"\"the\"\" Builder\nJr\"\r\n"
                + "C-1," + KR + ",1,c@example.com,Cy");

        assertThat(entries).hasSize(3).allMatch(FileEntry::isValid);
        Order a = entries.get(0).order();
        assertThat(a.externalOrderId()).isEqualTo("A-1");
        assertThat(a.products()).containsExactly(new Order.OrderProduct(JP, 1), new Order.OrderProduct(KR, 2));
        assertThat(a.customer()).isEqualTo(new Order.Customer("ann@example.com", "Smith, Ann"));
        assertThat(a.source()).isEqualTo(Order.OrderSource.file("a.csv", "2-3"));
        assertThat(entries.get(1).order().customer().name()).isEqualTo("Bob \"the\" Builder\nJr");
        assertThat(entries.get(1).lines()).extracting(FileEntry.Line::number).containsExactly(5);
        // the quoted line break moved the next row down one line
        assertThat(entries.get(2).lines()).extracting(FileEntry.Line::number).containsExactly(7);
        assertThat(entries.get(2).order().source().ref()).isEqualTo("a.csv:7");
    }

    @Test
    void csvReportsEachBadLineWithItsReasonAndKeepsTheGoodOnes() throws IOException {
        List<FileEntry> entries = read("mixed.csv", HEADER + "\n"
                + "G-1," + JP + ",1,,\n"
                + "," + JP + ",1,,\n"
                + "G-2,,1,,\n"
                + "G-3," + JP + ",0,,\n"
                + "G-4," + JP + ",two,,\n"
                + "G-5," + JP + ",1,not-an-email,\n"
                + "G-6," + JP + ",1\n"
                + "G-7," + JP + ",1,,\n"
                + "G-7," + KR + ",-1,,\n"
                + "G-8," + KR + ",1,,\n");

        assertThat(entries).extracting(e -> e.isValid() ? "ok" : e.lines().get(0).error()).containsExactly(
                "ok",
                "external_order_id is blank",
                "option_id is missing",
                "qty must be a positive integer, got \"0\"",
                "qty must be a positive integer, got \"two\"",
                "customer email is not a well-formed address",
                "expected 5 fields, found 3",
                "not sent: another line of this order is invalid",
                "ok");
        FileEntry g7 = entries.get(7);
        assertThat(g7.lines()).extracting(FileEntry.Line::number, FileEntry.Line::error).containsExactly(
                org.assertj.core.groups.Tuple.tuple(9, "not sent: another line of this order is invalid"),
                org.assertj.core.groups.Tuple.tuple(10, "qty must be a positive integer, got \"-1\""));
        assertThat(entries.get(8).lines().get(0).number()).isEqualTo(11);
    }

    @Test
    void anOrderOfMoreUnitsThanTheLimitIsRefusedOnEachOfItsLines() throws IOException {
        List<FileEntry> entries = read("units.csv", HEADER + "\n"
                + "U-1," + JP + ",1000,,\n"
                + "U-2," + JP + ",60,,\n"
                + "U-2," + KR + ",41,,\n"
                + "U-3," + JP + ",100,,\n");

        assertThat(entries).extracting(e -> e.isValid() ? "ok" : e.lines().get(0).error()).containsExactly(
                "order has 1000 units, more than esim.order.max-units=100",
                "order has 101 units, more than esim.order.max-units=100",
                "ok");
        assertThat(entries.get(1).lines()).extracting(FileEntry.Line::error)
                .containsOnly("order has 101 units, more than esim.order.max-units=100");
    }

    @Test
    void aFileWithoutOrdersSaysSo() throws IOException {
        FileEntry.Line empty = new FileEntry.Line(1, null, null, "the file is empty");
        FileEntry.Line noOrders = new FileEntry.Line(1, null, null, "the file has no orders");
        for (String name : List.of("e.csv", "e.json", "e.jsonl")) {
            assertThat(read(name, "")).singleElement().satisfies(e -> assertThat(e.lines()).containsExactly(empty));
        }
        assertThat(read("header-only.csv", HEADER + "\r\n\r\n")).singleElement()
                .satisfies(e -> assertThat(e.lines()).containsExactly(noOrders));
        assertThat(read("empty-array.json", "\uFEFF[ ]\n")).singleElement()
                .satisfies(e -> assertThat(e.lines()).containsExactly(noOrders));
        assertThat(read("blank.jsonl", "\n  \n")).singleElement()
                .satisfies(e -> assertThat(e.lines()).containsExactly(noOrders));
    }

    @Test
    void csvWithAWrongHeaderIsOneError() throws IOException {
        List<FileEntry> entries = read("bad.csv", "id,option,qty\nA," + JP + ",1\n");
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.isValid()).isFalse();
            assertThat(e.lines().get(0).number()).isEqualTo(1);
            assertThat(e.lines().get(0).error()).contains("missing external_order_id,option_id,customer_email,customer_name");
        });
    }

    @Test
    void csvRefusesAnOrderWithTooManyLines() throws IOException {
        StringBuilder csv = new StringBuilder(HEADER + "\n");
        for (int i = 0; i < CsvOrderReader.MAX_LINES_PER_ORDER + 2; i++) {
            csv.append("BIG,").append(JP).append(",1,,\n");
        }
        csv.append("SMALL,").append(JP).append(",1,,\n");
        List<FileEntry> entries = read("big.csv", csv.toString());
        assertThat(entries.stream().filter(FileEntry::isValid).map(e -> e.order().externalOrderId()))
                .containsExactly("SMALL");
        assertThat(entries.stream().filter(e -> !e.isValid()).mapToInt(e -> e.lines().size()).sum())
                .isEqualTo(CsvOrderReader.MAX_LINES_PER_ORDER + 2);
    }

    @Test
    void jsonReadsOneOrderOrAnArray() throws IOException {
        String order = "{\"external_order_id\":\"J-1\",\"products\":[{\"option_id\":\"" + JP + "\",\"qty\":2}],"
                + "\"customer\":{\"email\":\"j@example.com\",\"name\":\"Jo\"}}";
        assertThat(read("one.json", "\uFEFF" + order)).singleElement().satisfies(e -> {
            assertThat(e.order().products()).containsExactly(new Order.OrderProduct(JP, 2));
            assertThat(e.order().customer().email()).isEqualTo("j@example.com");
        });

        List<FileEntry> entries = read("many.json", "[\r\n  " + order.replace("J-1", "J-2") + ",\r\n"
                + "  {\"external_order_id\":\"J-3\",\"products\":[]},\r\n"
                + "  {\"external_order_id\":\"J-4\",\"products\":{\"option_id\":\"x\"}},\r\n"
                + "  {\"external_order_id\":\"J-5\",\"products\":[{\"option_id\":\"" + KR + "\",\"qty\":1},"
                + "{\"option_id\":\"" + JP + "\",\"qty\":1.5}]},\r\n"
                + "  {\"external_order_id\":\"J-6\",\"products\":[{\"option_id\":\"" + KR + "\",\"qty\":1}]}\r\n]\r\n");
        assertThat(entries).extracting(e -> e.lines().get(0).number() + " "
                + (e.isValid() ? e.order().externalOrderId() : e.lines().get(0).error())).containsExactly(
                "2 J-2",
                "3 products is empty",
                "4 wrong shape: products must be an array, found an object",
                "5 not sent: another line of this order is invalid",
                "6 J-6");
        assertThat(entries.get(3).lines().get(1).error()).isEqualTo("qty must be a positive integer, got \"1.5\"");
    }

    @Test
    void malformedJsonInAnArrayKeepsTheOrdersBeforeIt() throws IOException {
        List<FileEntry> entries = read("broken.json", "[\n{\"external_order_id\":\"K-1\",\"products\":[{\"option_id\":\""
                + JP + "\",\"qty\":1}]},\n{\"external_order_id\": oops}\n]");
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).isValid()).isTrue();
        assertThat(entries.get(1).lines().get(0).number()).isEqualTo(3);
        assertThat(entries.get(1).lines().get(0).error()).startsWith("malformed JSON: ");
    }

    @Test
    void jsonLinesReportsBadLinesAndGoesOn() throws IOException {
        List<FileEntry> entries = read("o.jsonl",
                "{\"external_order_id\":\"L-1\",\"products\":[{\"option_id\":\"" + JP + "\",\"qty\":1}]}\r\n"
                        + "\r\n"
                        + "{\"external_order_id\":\"L-2\",\r\n"
                        + "[1,2]\r\n"
                        + "{\"external_order_id\":\"L-3\",\"products\":[{\"option_id\":\"" + JP + "\",\"qty\":1}]} x\r\n"
                        + "{\"external_order_id\":\"L-4\",\"products\":[{\"option_id\":\"" + KR + "\",\"qty\":3}],"
                        + "\"customer\":{\"email\":\"bad@\"}}\r\n"
                        + "{\"external_order_id\":\"L-5\",\"products\":[{\"option_id\":\"" + KR + "\",\"qty\":3}]}");
        assertThat(entries).extracting(e -> e.lines().get(0).number() + " "
                + (e.isValid() ? e.order().externalOrderId() : e.lines().get(0).error())).containsExactly(
                "1 L-1",
                "3 malformed JSON: Unexpected end-of-input within/between Object entries",
                "4 wrong shape: an order must be a JSON object, found an array",
                "5 malformed JSON: Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                "6 customer email is not a well-formed address",
                "7 L-5");
    }

    @Test
    void linesMayEndWithACarriageReturnAlone() throws IOException {
        List<FileEntry> csv = read("mac.csv", HEADER + "\rR-1," + JP + ",1,,\"Ann\rSmith\"\r\rR-2," + KR + ",1,,\r");
        assertThat(csv).extracting(e -> e.lines().get(0).number() + " " + e.order().externalOrderId())
                .containsExactly("2 R-1", "5 R-2");
        assertThat(csv.get(0).order().customer().name()).isEqualTo("Ann\nSmith");

        List<FileEntry> jsonl = read("mac.jsonl", "{\"external_order_id\":\"R-3\",\"products\":[{\"option_id\":\"" + JP
                + "\",\"qty\":1}]}\r\r{\"external_order_id\":\"R-4\",\"products\":[{\"option_id\":\"" + KR + "\",\"qty\":1}]}");
        assertThat(jsonl).extracting(e -> e.lines().get(0).number() + " " + e.order().externalOrderId())
                .containsExactly("1 R-3", "3 R-4");
    }

    private List<FileEntry> read(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return readAll(file);
    }

    private static List<FileEntry> readAll(Path file) throws IOException {
        List<FileEntry> entries = new ArrayList<>();
        try (OrderFileReader reader = OrderFileReader.open(file, BadInputReaderTest.OPTIONS)) {
            reader.forEachRemaining(entries::add);
        }
        return entries;
    }
}
