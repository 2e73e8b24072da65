package com.esimorders.mail;

import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import com.google.zxing.qrcode.encoder.ByteMatrix;
import com.google.zxing.qrcode.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Renders a QR code as a PNG, locally (the email never links to an external image). The PNG (1-bit greyscale) is
 * written directly: ImageIO's writer goes through a disk cache and per-pixel calls, about 20 times slower. The
 * image is laid out as zxing's QRCodeWriter lays it out (the same pixels), but built a module row at a time: scaling
 * through its BitMatrix and reading it back pixel by pixel was most of the 190 us a code took.
 */
public final class QrCodes {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final ErrorCorrectionLevel ERROR_CORRECTION = ErrorCorrectionLevel.M;
    /** quiet zone around the code, in modules */
    private static final int MARGIN = 2;
    /**
     * A fixed mask pattern: any of the eight is valid, and trying all of them to pick the one the standard scores
     * best was most of the cost of an email (QrCodesTest decodes what is written).
     */
    private static final Map<EncodeHintType, Object> HINTS = Map.of(EncodeHintType.QR_MASK_PATTERN, 2);

    private QrCodes() {
    }

    /** A square PNG of at least {@code size} pixels (more when the code needs it), the code centred in it. */
    public static byte[] png(String text, int size) {
        ByteMatrix modules;
        try {
            modules = Encoder.encode(text, ERROR_CORRECTION, HINTS).getMatrix();
        } catch (WriterException e) {
            throw new IllegalArgumentException("cannot encode a QR code: " + e.getMessage(), e);
        }
        int codeWidth = modules.getWidth();
        int codeHeight = modules.getHeight();
        int width = Math.max(size, codeWidth + 2 * MARGIN);
        int height = Math.max(size, codeHeight + 2 * MARGIN);
        int scale = Math.min(width / (codeWidth + 2 * MARGIN), height / (codeHeight + 2 * MARGIN));
        int left = (width - codeWidth * scale) / 2;
        int top = (height - codeHeight * scale) / 2;

        // each row: filter type 0, then 1 bit per pixel, most significant bit first; 1 is white
        int rowBytes = (width + 7) / 8;
        byte[] white = new byte[rowBytes];
        Arrays.fill(white, (byte) 0xFF);
        if (width % 8 != 0) {
            white[rowBytes - 1] = (byte) (0xFF << (8 - width % 8));
        }
        byte[] raw = new byte[height * (rowBytes + 1)];
        byte[][] cells = modules.getArray();
        byte[] row = white;
        for (int y = 0; y < height; y++) {
            int moduleRow = y - top;
            if (moduleRow >= 0 && moduleRow < codeHeight * scale && moduleRow % scale == 0) {
                row = white.clone();
                byte[] moduleCells = cells[moduleRow / scale];
                for (int x = 0; x < codeWidth; x++) {
                    if (moduleCells[x] == 1) {
                        for (int pixel = left + x * scale, end = pixel + scale; pixel < end; pixel++) {
                            row[pixel >> 3] &= (byte) ~(0x80 >>> (pixel & 7));
                        }
                    }
                }
            } else if (moduleRow == codeHeight * scale) {
                row = white;
            }
            System.arraycopy(row, 0, raw, y * (rowBytes + 1) + 1, rowBytes);
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream(2048);
        png.writeBytes(SIGNATURE);
        chunk(png, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 1).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(png, "IDAT", deflate(raw));
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(data);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 4 + 64);
            byte[] buffer = new byte[4096];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        png.writeBytes(typeBytes);
        png.writeBytes(data);
        png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
