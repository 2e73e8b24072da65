package com.esimorders.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookTokenTest {

    @Test
    void acceptsOnlyTheExactToken() {
        WebhookToken token = new WebhookToken("s3cret-token");
        assertThat(token.rejects("s3cret-token")).isFalse();
        assertThat(token.rejects("s3cret-toke")).isTrue();
        assertThat(token.rejects("S3CRET-TOKEN")).isTrue();
        assertThat(token.rejects(null)).isTrue();
        assertThat(new WebhookToken("").rejects("")).isTrue();
    }
}
