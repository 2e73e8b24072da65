package com.esimorders.file;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The characters of a drop file, decoded one block at a time (memory does not grow with the file). A byte order mark
 * chooses the charset (UTF-8, UTF-16LE or UTF-16BE) and is skipped; without one the configured charset is used. A
 * byte sequence that is not valid in that charset does not fail the file: it is read as one {@link #MALFORMED}
 * character, so that the reader refuses only the line it is on. Lines end with LF, CRLF or CR.
 */
final class DecodedText implements Closeable {

    static final int END = -1;
    /** Read in place of a byte sequence that is not valid in the file's charset. */
    static final int MALFORMED = -2;
    private static final int BLOCK = 8192;

    private final InputStream in;
    private final CharsetDecoder decoder;
    private final ByteBuffer bytes = ByteBuffer.allocate(BLOCK).flip();
    private final CharBuffer chars = CharBuffer.allocate(BLOCK).flip();
    private boolean endOfInput;
    private boolean flushed;
    private boolean malformedNext;
    private boolean empty = true;
    private int line = 1;
    private int previous = END;

    DecodedText(InputStream in, Charset charset) throws IOException {
        this.in = in;
        fill();
        this.decoder = byteOrderMarkOr(charset).newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** The charset of a leading byte order mark (the mark is skipped), or else the configured one. */
    private Charset byteOrderMarkOr(Charset configured) {
        if (startsWith(0xEF, 0xBB, 0xBF)) {
            bytes.position(3);
            return StandardCharsets.UTF_8;
        }
        if (startsWith(0xFF, 0xFE)) {
            bytes.position(2);
            return StandardCharsets.UTF_16LE;
        }
        if (startsWith(0xFE, 0xFF)) {
            bytes.position(2);
            return StandardCharsets.UTF_16BE;
        }
        return configured;
    }

    /** The next character, {@link #MALFORMED}, or {@link #END}. */
    int read() throws IOException {
        int c = next();
        if (c == END) {
            return END;
        }
        if ((previous == '\n' || previous == '\r') && !(previous == '\r' && c == '\n')) {
            line++;
        }
        previous = c;
        empty = false;
        return c;
    }

    /** The line of the character read last (1 before the first). */
    int line() {
        return line;
    }

    /** True while nothing but a byte order mark has been read. */
    boolean isEmpty() {
        return empty;
    }

    /** The reason a line with a {@link #MALFORMED} character is refused. */
    String notValid(int lineNumber) {
        return "line " + lineNumber + " is not valid " + decoder.charset().name();
    }

    private int next() throws IOException {
        while (!chars.hasRemaining()) {
            if (malformedNext) {
                malformedNext = false;
                return MALFORMED;
            }
            if (flushed) {
                return END;
            }
            decode();
        }
        return chars.get();
    }

    /** Decodes what the bytes hold, up to a malformed sequence (which is skipped and reported next). */
    private void decode() throws IOException {
        chars.clear();
        CoderResult result = decoder.decode(bytes, chars, endOfInput);
        if (result.isError()) {
            bytes.position(bytes.position() + result.length());
            malformedNext = true;
        } else if (result.isUnderflow() && endOfInput) {
            decoder.flush(chars);
            flushed = true;
        } else if (result.isUnderflow()) {
            fill();
        }
        chars.flip();
    }

    private void fill() throws IOException {
        bytes.compact();
        int wanted = bytes.remaining();
        int read = in.readNBytes(bytes.array(), bytes.position(), wanted);
        bytes.position(bytes.position() + read);
        endOfInput = read < wanted;
        bytes.flip();
    }

    private boolean startsWith(int... mark) {
        if (bytes.remaining() < mark.length) {
            return false;
        }
        for (int i = 0; i < mark.length; i++) {
            if ((bytes.get(i) & 0xFF) != mark[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
