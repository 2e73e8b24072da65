package com.esimorders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esimorders.signing.RequestSigner;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RequestSignerTest {

    private final RequestSigner signer = new RequestSigner("test_access_key", "dGVzdC1zZWNyZXQtYnl0ZXM=");

    @Test
    void signsTheDocumentedVector() {
        assertThat(signer.sign("POST", "/api/v1/api_partner/orders", 1738200000L))
                .isEqualTo("7c16eea1d8430d3a9e492a84d559ea990c0d4378e83d338a9376abad2f7818c2");
    }

    @Test
    void pathWithoutApiPrefixGivesTheDocumentedWrongSignature() {
        assertThat(signer.sign("POST", "/v1/api_partner/orders", 1738200000L))
                .isEqualTo("696955db90fae3488f5aebfd52fdd9bd2e789018ce9c3410db7f52596d53b6c4");
    }

    @Test
    void usesTheDecodedBytesEvenWhenTheyAreNotText() {
        byte[] binary = {(byte) 0xff, (byte) 0xfe, 0x00, (byte) 0x80, (byte) 0xc3, 0x28};
        String secret = Base64.getEncoder().encodeToString(binary);
        String signature = new RequestSigner("k", secret).sign("POST", "/api/v1/api_partner/orders", 1L);

        assertThat(signature)
                .isEqualTo(RequestSigner.signature(binary, "POST", "/api/v1/api_partner/orders", 1L, "k"))
                .matches("[0-9a-f]{64}");
        // a signer that decoded the secret as text would have lost the invalid UTF-8 bytes
        byte[] lossy = new String(binary, java.nio.charset.StandardCharsets.UTF_8)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(signature).isNotEqualTo(RequestSigner.signature(lossy, "POST", "/api/v1/api_partner/orders", 1L, "k"));
    }

    @Test
    void refusesASecretThatIsNotBase64WithoutEchoingIt() {
        assertThatThrownBy(() -> new RequestSigner("k", "not base64 !!"))
                .hasMessage("secret key is not valid Base64");
    }
}
