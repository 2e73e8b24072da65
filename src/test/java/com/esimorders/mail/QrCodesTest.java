package com.esimorders.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class QrCodesTest {

    @Test
    void writesAPngThatDecodesToTheText() throws Exception {
        String lpa = "LPA:1$smdp.example.com$K2-1ABCD-2EFGH-3IJKL-4MNOP";

        byte[] png = QrCodes.png(lpa, 300);

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(300);
        assertThat(image.getHeight()).isEqualTo(300);
        // a quiet zone: the corner pixel is white, and the first finder pattern starts black
        assertThat(image.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
        assertThat(QrDecoder.decode(png)).isEqualTo(lpa);
    }

    @Test
    void decodesForManyDifferentTexts() throws Exception {
        for (int i = 0; i < 200; i++) {
            String text = "LPA:1$rsp-" + i + ".example.net$" + Long.toHexString(i * 7919L * 104729L).toUpperCase();
            assertThat(QrDecoder.decode(QrCodes.png(text, 300))).isEqualTo(text);
        }
    }
}
