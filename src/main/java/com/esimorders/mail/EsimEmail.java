package com.esimorders.mail;

import com.esimorders.PlanCatalogue;
import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.FileTemplateLoader;
import freemarker.cache.MultiTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.template.Configuration;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Composes the customer email of one eSIM: multipart/alternative of a text/plain part and a multipart/related
 * HTML part with the QR code as an inline PNG (Content-ID), all UTF-8. Subject, text and HTML come from FreeMarker
 * templates: {@code esim-email-subject.ftl}, {@code esim-email-text.ftl}, {@code esim-email-html.ftlh}, looked up
 * first in the user's templates folder (when set), then in the packaged {@code templates/}; a locale variant such as
 * {@code esim-email-subject_de.ftl} wins for that locale.
 */
public final class EsimEmail {

    public static final String IOS_INSTALL_PREFIX = "https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=";
    private static final int QR_SIZE = 300;
    private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";

    private final Configuration templates;
    private final Locale locale;
    private final InternetAddress from;
    private final PlanCatalogue plans;
    private final Session session = Session.getInstance(new Properties());

    static {
        // jakarta.mail looks its stream provider up with a ServiceLoader scan of the class path for every body part,
        // multipart and encoded header (a third of an email's CPU) unless this property names it
        if (System.getProperty(STREAM_PROVIDER) == null) {
            System.setProperty(STREAM_PROVIDER, "org.eclipse.angus.mail.util.MailStreamProvider");
        }
    }

    public EsimEmail(String templatesDir, String locale, String from, PlanCatalogue plans) {
        this.locale = Locale.forLanguageTag(locale.isBlank() ? "en" : locale.replace('_', '-'));
        this.plans = plans;
        try {
            this.from = new InternetAddress(from, true);
        } catch (MessagingException e) {
            throw new IllegalArgumentException("esim.mail.from is not a valid address: " + from, e);
        }
        this.templates = new Configuration(Configuration.VERSION_2_3_34);
        templates.setDefaultEncoding("UTF-8");
        templates.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        templates.setLogTemplateExceptions(false);
        templates.setTemplateLoader(loader(templatesDir));
    }

    private static TemplateLoader loader(String templatesDir) {
        TemplateLoader packaged = new ClassTemplateLoader(EsimEmail.class, "/templates");
        if (templatesDir == null || templatesDir.isBlank()) {
            return packaged;
        }
        try {
            return new MultiTemplateLoader(new TemplateLoader[] {new FileTemplateLoader(new File(templatesDir)), packaged});
        } catch (IOException e) {
            throw new UncheckedIOException("esim.mail.templates-dir is not a readable folder: " + templatesDir, e);
        }
    }

    /**
     * {@code row}: the mail_outbox row joined with its eSIM and order (columns topup_id, recipient,
     * external_order_id, option_id, iccid, smdp, activation_code, download_link, expired_date, customer_name).
     */
    public MimeMessage compose(Map<String, Object> row) throws MessagingException, IOException, TemplateException {
        String topupId = (String) row.get("topup_id");
        String lpa = (String) row.get("download_link");
        String qrContentId = "qr-" + topupId + "@esim-orders";

        Map<String, Object> model = new LinkedHashMap<>();
        String optionId = (String) row.get("option_id");
        model.put("plan", plans.find(optionId).map(PlanCatalogue.Plan::name).orElse(optionId));
        model.put("optionId", optionId);
        model.put("iccid", row.get("iccid"));
        model.put("smdpAddress", row.get("smdp"));
        model.put("activationCode", row.get("activation_code"));
        model.put("lpa", lpa);
        model.put("iosInstallUrl", IOS_INSTALL_PREFIX + URLEncoder.encode(lpa, StandardCharsets.UTF_8));
        // the provider may leave expired_date out: the webhook is still applied
        model.put("expiryDate", row.get("expired_date") == null ? "see your plan" : String.valueOf(row.get("expired_date")));
        model.put("orderReference", row.get("external_order_id"));
        model.put("customerName", row.get("customer_name") == null ? "" : row.get("customer_name"));
        model.put("qrImageSrc", "cid:" + qrContentId);

        MimeBodyPart text = new MimeBodyPart();
        text.setText(render("esim-email-text.ftl", model), "UTF-8", "plain");

        MimeBodyPart html = new MimeBodyPart();
        html.setText(render("esim-email-html.ftlh", model), "UTF-8", "html");
        MimeBodyPart qr = new MimeBodyPart();
        qr.setDataHandler(new DataHandler(new ByteArrayDataSource(QrCodes.png(lpa, QR_SIZE), "image/png")));
        qr.setContentID("<" + qrContentId + ">");
        qr.setDisposition(Part.INLINE);
        qr.setFileName("esim-qr-code.png");
        MimeMultipart related = new MimeMultipart("related");
        related.addBodyPart(html);
        related.addBodyPart(qr);
        MimeBodyPart htmlWithImages = new MimeBodyPart();
        htmlWithImages.setContent(related);

        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(htmlWithImages);

        MimeMessage message = new MimeMessage(session);
        message.setFrom(from);
        message.setRecipients(MimeMessage.RecipientType.TO, InternetAddress.parse((String) row.get("recipient"), true));
        message.setSubject(render("esim-email-subject.ftl", model).replaceAll("\\s+", " ").trim(), "UTF-8");
        message.setContent(alternative);
        message.saveChanges();
        // one Message-ID per eSIM: a resend after a crash between SMTP and the SENT mark is recognisable as the same
        message.setHeader("Message-ID", "<esim-" + topupId + "@esim-orders>");
        return message;
    }

    /** The message as an RFC 822 file ({@code .eml}). */
    public byte[] bytes(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    private String render(String name, Map<String, Object> model) throws IOException, TemplateException {
        StringWriter out = new StringWriter();
        templates.getTemplate(name, locale).process(model, out);
        return out.toString();
    }
}
