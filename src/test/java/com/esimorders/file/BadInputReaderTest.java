package com.esimorders.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.esimorders.order.OrderValidator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and broken drop files, read by the readers alone: each bad line is refused, the others still go through. */
class BadInputReaderTest {

    static final String JP = OrderFileReaderTest.JP;
    static final String KR = OrderFileReaderTest.KR;
    static final String HEADER = OrderFileReaderTest.HEADER;
    static final int TEN_MB = 10 * 1024 * 1024;
    static final int LIMIT = 65536;
    static final OrderFileReader.Options OPTIONS = new OrderFileReader.Options(StandardCharsets.UTF_8, LIMIT,
            new OrderValidator(100));
    /** Well above what the readers need (a few hundred KB), well below what holding a 10 MB line costs (20 MB+). */
    static final long ALLOCATION_BUDGET = 4 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void jsonLinesRefusesATenMegabyteLineWithoutHoldingItAndReadsTheNextLines() throws IOException {
        Path file = write("big.jsonl", jsonOrder("L-1", JP) + "\n",
                "{\"external_order_id\":\"L-2\",\"customer\":{\"name\":\"", repeat('x', TEN_MB), "\"}}\r\n",
                jsonOrder("L-3", KR) + "\n");

        Read read = readMeasured(file);

        assertThat(read.summary()).containsExactly(
                "1 L-1",
                "2 line 2 is longer than 65536 characters (esim.intake.max-line-length)",
                "3 L-3");
        assertThat(read.longestText).isLessThanOrEqualTo(LIMIT);
        assertThat(read.allocatedBytes).isLessThan(ALLOCATION_BUDGET);
    }

    @Test
    void csvRefusesATenMegabyteLineWithoutHoldingItAndReadsTheNextLines() throws IOException {
        Path file = write("big.csv", HEADER + "\nC-1," + JP + ",1,,\n",
                "C-2," + JP + ",1,,", repeat('x', TEN_MB), "\n",
                "C-3," + KR + ",1,,\n");

        Read read = readMeasured(file);

        assertThat(read.summary()).containsExactly(
                "2 C-1",
                "3 line 3 is longer than 65536 characters (esim.intake.max-line-length)",
                "4 C-3");
        assertThat(read.longestText).isLessThanOrEqualTo(LIMIT);
        assertThat(read.allocatedBytes).isLessThan(ALLOCATION_BUDGET);
    }

    @Test
    void jsonRefusesATenMegabyteOrderInAnArrayAndReadsTheNextOrders() throws IOException {
        Path file = write("big.json", "[\n" + jsonOrder("J-1", JP) + ",\n",
                "{\"external_order_id\":\"J-2\",\n\"customer\":{\"name\":\"", repeat('x', TEN_MB), "\"}},\n",
                jsonOrder("J-3", KR) + "\n]\n");

        Read read = readMeasured(file);

        assertThat(read.summary()).containsExactly(
                "2 J-1",
                "3 the order on line 3 is longer than 65536 characters (esim.intake.max-line-length)",
                "5 J-3");
        assertThat(read.longestText).isLessThanOrEqualTo(LIMIT);
        assertThat(read.allocatedBytes).isLessThan(ALLOCATION_BUDGET);
    }

    @Test
    void aJsonArrayOnOneLineLongerThanTheLimitIsReadOrderByOrder() throws IOException {
        StringBuilder json = new StringBuilder("[");
        for (int i = 1; i <= 2000; i++) {
            json.append(i == 1 ? "" : ",").append(jsonOrder("M-" + i, JP));
        }
        Path file = write("minified.json", json.append("]").toString());

        List<FileEntry> entries = readAll(file);

        assertThat(Files.size(file)).isGreaterThan(2 * 65536);
        assertThat(entries).hasSize(2000).allMatch(FileEntry::isValid);
    }

    @Test
    void csvQuoteNotClosedCostsOnlyItsLine() throws IOException {
        Path endOfFile = write("open-to-the-end.csv", HEADER + "\n"
                + "A-1," + JP + ",1,,Ann\n"
                + "A-2," + JP + ",1,,\"Smith, Ann\n"
                + "A-3," + KR + ",1,,Cy\n"
                + "A-4," + KR + ",2,,Di\n");
        assertThat(summary(readAll(endOfFile))).containsExactly(
                "2 A-1",
                "3 the quoted field opened on line 3 is not closed",
                "4 A-3",
                "5 A-4");

        // the next quote closes it, and what follows that quote breaks the row
        Path closedLater = write("closed-later.csv", HEADER + "\n"
                + "B-1," + JP + ",1,,\"Smith, Ann\n"
                + "B-2," + KR + ",1,,Cy\n"
                + "B-3," + KR + ",1,,\"Doe, Jo\"\n"
                + "B-4," + JP + ",1,,Di\n");
        List<FileEntry> entries = readAll(closedLater);
        assertThat(summary(entries)).containsExactly(
                "2 the quoted field opened on line 2 is not closed",
                "3 B-2",
                "4 B-3",
                "5 B-4");
        assertThat(entries.get(2).order().customer().name()).isEqualTo("Doe, Jo");
        assertThat(entries.get(0).lines().get(0).externalOrderId()).isEqualTo("B-1");
    }

    @Test
    void csvQuoteNotClosedWithinTheLimitIsRefusedWithoutReadingTheRestOfTheFileIntoIt() throws IOException {
        StringBuilder csv = new StringBuilder(HEADER + "\nQ-1," + JP + ",1,,\"Smith, Ann\n");
        for (int i = 2; i <= 3001; i++) {
            csv.append("Q-").append(i).append(',').append(JP).append(",1,,Someone\n");
        }
        Path file = write("open.csv", csv.toString());

        Read read = readMeasured(file);
        List<FileEntry> entries = read.entries;

        assertThat(Files.size(file)).isGreaterThan(2 * 65536);
        assertThat(entries.get(0).lines()).containsExactly(new FileEntry.Line(2, "Q-1", JP,
                "the quoted field opened on line 2 is not closed within 65536 characters (esim.intake.max-line-length)"));
        assertThat(entries.subList(1, entries.size())).hasSize(3000).allMatch(FileEntry::isValid);
        assertThat(entries.get(1).lines().get(0).number()).isEqualTo(3);
        assertThat(read.longestText).isLessThanOrEqualTo(LIMIT);
    }

    @Test
    void linesReadAgainAfterAnUnclosedQuoteAreReadAgainOnlyOnce() {
        // read on its own each line opens a quoted field; inside one it closes it and opens the next: by RFC 4180
        // one endless record from wherever it starts
        StringBuilder csv = new StringBuilder(HEADER + "\n");
        for (int i = 0; i < 100_000; i++) {
            csv.append("x\",\"\n");
        }
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            List<FileEntry> entries = readAll(write("quotes.csv", csv.toString()));
            assertThat(entries).noneMatch(FileEntry::isValid);
            // each row refused once; the rows share the id x", so they are refused as orders, not one by one
            assertThat(entries.stream().flatMap(e -> e.lines().stream()).map(FileEntry.Line::number).toList())
                    .hasSize(100_000).doesNotHaveDuplicates();
        });
    }

    @Test
    void csvTextAfterAClosingQuoteCostsOnlyItsLine() throws IOException {
        Path file = write("after-quote.csv", HEADER + "\n"
                + "T-1," + JP + ",1,,\"Ann\" Smith\n"
                + "T-2," + JP + ",1,,\"Bob\"  \n");

        assertThat(summary(readAll(file))).containsExactly(
                "2 a closing quote must be followed by a comma or the end of the line",
                "3 T-2");
    }

    @Test
    void aByteThatIsNotUtf8RefusesOnlyItsLine() throws IOException {
        byte[] e9 = {(byte) 0xe9};
        Path csv = write("latin1.csv", bytes(HEADER + "\nU-1," + JP + ",1,,Ann\nU-2," + JP + ",1,,Jos"), e9,
                bytes("\nU-3," + KR + ",1,,Cy\n"));
        List<FileEntry> entries = readAll(csv);
        assertThat(summary(entries)).containsExactly("2 U-1", "3 line 3 is not valid UTF-8", "4 U-3");
        assertThat(entries.get(1).lines().get(0).externalOrderId()).isEqualTo("U-2");

        Path jsonl = write("latin1.jsonl", bytes(jsonOrder("U-4", JP) + "\n{\"external_order_id\":\"U-5"), e9,
                bytes("\"}\n" + jsonOrder("U-6", KR) + "\n"));
        assertThat(summary(readAll(jsonl))).containsExactly("1 U-4", "2 line 2 is not valid UTF-8", "3 U-6");

        Path json = write("latin1.json", bytes("[" + jsonOrder("U-7", JP) + ",\n{\"external_order_id\":\"U-8\",\n\"x\":\""),
                e9, bytes("\"},\n" + jsonOrder("U-9", KR) + "]"));
        assertThat(summary(readAll(json))).containsExactly("1 U-7", "2 line 3 is not valid UTF-8", "4 U-9");
    }

    @Test
    void aUtf16FileWithItsByteOrderMarkIsRead() throws IOException {
        String csv = HEADER + "\r\nW-1," + JP + ",1,,Müller\r\n";
        for (var charset : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE)) {
            Path file = write("utf16-" + charset + ".csv", ("\uFEFF" + csv).getBytes(charset));
            assertThat(readAll(file)).singleElement()
                    .satisfies(e -> assertThat(e.order().customer().name()).isEqualTo("Müller"));
        }
    }

    @Test
    void theConfiguredCharsetReadsAnExcelFileAndAByteNotInItRefusesOnlyItsLine() throws IOException {
        Charset windows1252 = Charset.forName("windows-1252");
        Path file = write("excel.csv", (HEADER + "\r\nX-1," + JP + ",1,,Müller\r\nX-2," + JP + ",1,,").getBytes(windows1252),
                new byte[] {(byte) 0x81}, ("\r\nX-3," + KR + ",1,,Jürgen\r\n").getBytes(windows1252));

        List<FileEntry> entries = readAll(file, windows1252);

        assertThat(summary(entries)).containsExactly("2 X-1", "3 line 3 is not valid windows-1252", "4 X-3");
        assertThat(entries.get(0).order().customer().name()).isEqualTo("Müller");
        assertThat(entries.get(2).order().customer().name()).isEqualTo("Jürgen");
    }

    @Test
    void aByteOrderMarkWinsOverTheConfiguredCharset() throws IOException {
        Path file = write("bom.csv", "\uFEFF" + HEADER + "\nB-1," + JP + ",1,,Jürgen\n");

        assertThat(readAll(file, Charset.forName("windows-1252"))).singleElement()
                .satisfies(e -> assertThat(e.order().customer().name()).isEqualTo("Jürgen"));
    }

    @Test
    void aCommaNotQuotedInAMiddleLineRefusesTheWholeOrder() throws IOException {
        Path file = write("comma.csv", HEADER + "\n"
                + "P-1," + JP + ",1,,Ann\n"
                + "P-1," + KR + ",1,,Smith, Ann\n"
                + "P-1," + JP + ",2,,Ann\n"
                + "Q-1," + KR + ",1,,Cy\n");

        List<FileEntry> entries = readAll(file);

        assertThat(summary(entries)).containsExactly(
                "2 not sent: line 3 of this order is invalid: expected 5 fields, found 6",
                "5 Q-1");
        assertThat(lines(entries.get(0))).containsExactly(
                "2 P-1 not sent: line 3 of this order is invalid: expected 5 fields, found 6",
                "3 P-1 expected 5 fields, found 6",
                "4 P-1 not sent: line 3 of this order is invalid: expected 5 fields, found 6");
    }

    @Test
    void aByteThatIsNotUtf8InAMiddleLineRefusesTheWholeOrder() throws IOException {
        // "Müller" saved as windows-1252: the ü is the single byte FC
        Path file = write("ansi.csv", bytes(HEADER + "\nV-1," + JP + ",1,,Ann\nV-1," + KR + ",1,,M"), new byte[] {(byte) 0xfc},
                bytes("ller\nV-1," + JP + ",1,,Ann\nW-1," + KR + ",1,,Cy\n"));

        List<FileEntry> entries = readAll(file);

        assertThat(entries).hasSize(2);
        assertThat(lines(entries.get(0))).containsExactly(
                "2 V-1 not sent: line 3 of this order is invalid: line 3 is not valid UTF-8",
                "3 V-1 line 3 is not valid UTF-8",
                "4 V-1 not sent: line 3 of this order is invalid: line 3 is not valid UTF-8");
        assertThat(entries.get(1).order().externalOrderId()).isEqualTo("W-1");
    }

    @Test
    void aBadLineFirstOrLastInItsOrderRefusesTheWholeOrder() throws IOException {
        Path file = write("first-last.csv", HEADER + "\n"
                + "F-1," + JP + ",1,,Smith, Ann\n"
                + "F-1," + KR + ",1,,\n"
                + "F-1," + JP + ",0,,\n"
                + "L-1," + JP + ",1,,\n"
                + "L-1," + KR + ",1,,\"Doe, Jo\n"
                + "N-1," + JP + ",1,,Cy\n");

        List<FileEntry> entries = readAll(file);

        assertThat(entries).hasSize(3);
        assertThat(lines(entries.get(0))).containsExactly(
                "2 F-1 expected 5 fields, found 6",
                "3 F-1 not sent: line 2 of this order is invalid: expected 5 fields, found 6",
                // a line with its own problem says so
                "4 F-1 qty must be a positive integer, got \"0\"");
        assertThat(lines(entries.get(1))).containsExactly(
                "5 L-1 not sent: line 6 of this order is invalid: the quoted field opened on line 6 is not closed",
                "6 L-1 the quoted field opened on line 6 is not closed");
        assertThat(entries.get(2).order().externalOrderId()).isEqualTo("N-1");
        assertThat(entries.get(2).lines()).extracting(FileEntry.Line::number).containsExactly(7);
    }

    @Test
    void aBadLineWithoutAnIdIsALineOfItsOwn() throws IOException {
        Path file = write("no-id.csv", HEADER + "\n"
                + "I-1," + JP + ",1,,\n"
                + "," + KR + ",1,,Smith, Ann\n"
                + "I-2," + JP + ",1,,\n");

        assertThat(summary(readAll(file))).containsExactly("2 I-1", "3 expected 5 fields, found 6", "4 I-2");
    }

    /** "number external_order_id error" for each line of the entry. */
    private static List<String> lines(FileEntry entry) {
        return entry.lines().stream().map(l -> l.number() + " " + l.externalOrderId() + " " + l.error()).toList();
    }

    private record Read(List<FileEntry> entries, int longestText, long allocatedBytes) {
        List<String> summary() {
            return BadInputReaderTest.summary(entries);
        }
    }

    /** Reads the file, counting the bytes this thread allocated meanwhile (after a warm-up read of a small file). */
    private Read readMeasured(Path file) throws IOException {
        String name = file.getFileName().toString();
        String extension = name.substring(name.lastIndexOf('.'));
        readAll(write("warm-up" + extension, switch (extension) {
            case ".csv" -> HEADER + "\nW-1," + JP + ",1,,\n";
            case ".json" -> "[" + jsonOrder("W-1", JP) + "]";
            default -> jsonOrder("W-1", JP) + "\n";
        }));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        List<FileEntry> entries = new ArrayList<>();
        try (OrderFileReader reader = OrderFileReader.open(file, OPTIONS)) {
            reader.forEachRemaining(entries::add);
            return new Read(entries, reader.longestText(), threads.getCurrentThreadAllocatedBytes() - before);
        }
    }

    static List<String> summary(List<FileEntry> entries) {
        return entries.stream().map(e -> e.lines().get(0).number() + " "
                + (e.isValid() ? e.order().externalOrderId() : e.lines().get(0).error())).toList();
    }

    static List<FileEntry> readAll(Path file) throws IOException {
        return readAll(file, StandardCharsets.UTF_8);
    }

    static List<FileEntry> readAll(Path file, Charset charset) throws IOException {
        List<FileEntry> entries = new ArrayList<>();
        OrderFileReader.Options options = new OrderFileReader.Options(charset, LIMIT, OPTIONS.validator());
        try (OrderFileReader reader = OrderFileReader.open(file, options)) {
            reader.forEachRemaining(entries::add);
        }
        return entries;
    }

    static String jsonOrder(String id, String optionId) {
        return "{\"external_order_id\":\"" + id + "\",\"products\":[{\"option_id\":\"" + optionId + "\",\"qty\":1}]}";
    }

    private Path write(String name, Object... parts) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            for (Object part : parts) {
                out.write(part instanceof byte[] b ? b : part.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return file;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] repeat(char c, int count) {
        byte[] bytes = new byte[count];
        Arrays.fill(bytes, (byte) c);
        return bytes;
    }
}
