package com.esimorders.sandbox;

import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** One eSIM the simulator issues: the body of its webhook, with every documented field. */
record SandboxEsim(String topupId, String optionId, String iccid, String smdp, String activateCode,
        String downloadLink, String qrcodeImgUrl, String expiredDate, String externalOrderId) {

    static final String SMDP = "smdp.sandbox.invalid";
    /** How long an issued eSIM can be installed. */
    static final int INSTALL_WITHIN_DAYS = 180;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final String CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    static SandboxEsim issue(String externalOrderId, String optionId) {
        String topupId = newTopupId();
        String activateCode = randomCode(24);
        return new SandboxEsim(topupId, optionId, newIccid(), SMDP, activateCode, "LPA:1$" + SMDP + "$" + activateCode,
                "https://" + SMDP + "/qrcode/" + topupId + ".png",
                LocalDate.now(ZoneOffset.UTC).plusDays(INSTALL_WITHIN_DAYS).toString(), externalOrderId);
    }

    /**
     * 26 decimal digits: milliseconds (13), a per-process sequence (6) and random digits (7), so ids are unique in
     * one run and across restarts.
     */
    static String newTopupId() {
        return String.format("%013d%06d%07d", System.currentTimeMillis(), SEQUENCE.getAndIncrement() % 1_000_000,
                RANDOM.nextInt(10_000_000));
    }

    /** 19 digits: 89 (telecom), 18 more digits in all, and a Luhn check digit, as real ICCIDs have. */
    static String newIccid() {
        StringBuilder digits = new StringBuilder("8982");
        while (digits.length() < 18) {
            digits.append(RANDOM.nextInt(10));
        }
        return digits.append(luhnCheckDigit(digits)).toString();
    }

    static int luhnCheckDigit(CharSequence digits) {
        int sum = 0;
        for (int i = digits.length() - 1, position = 0; i >= 0; i--, position++) {
            int digit = digits.charAt(i) - '0';
            if (position % 2 == 0) {
                digit *= 2;
                if (digit > 9) {
                    digit -= 9;
                }
            }
            sum += digit;
        }
        return (10 - sum % 10) % 10;
    }

    private static String randomCode(int length) {
        StringBuilder code = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            code.append(CODE_ALPHABET.charAt(RANDOM.nextInt(CODE_ALPHABET.length())));
        }
        return code.toString();
    }

    /** Without the activation code, which must never reach a log. */
    @Override
    public String toString() {
        return "SandboxEsim[topupId=" + topupId + ", optionId=" + optionId + ", externalOrderId=" + externalOrderId + "]";
    }
}
