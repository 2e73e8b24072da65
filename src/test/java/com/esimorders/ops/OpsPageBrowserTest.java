package com.esimorders.ops;

import static com.esimorders.ops.Ops.JAPAN;
import static org.assertj.core.api.Assertions.assertThat;

import com.esimorders.TestApp;
import com.esimorders.order.Order;
import com.esimorders.order.OrderOutcome;
import com.esimorders.order.OrderStatus;
import com.esimorders.sandbox.SandboxFaults;
import com.esimorders.sandbox.SandboxFaults.Fault;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator page in headless Chromium (Debian's chromium and chromium-driver): enter the token, find a FAILED
 * order, replay it and see it ACCEPTED. Leaves target/ops-page.png. Excluded from the default build (tag browser);
 * .ci/run installs Chromium and runs it with -Dgroups=browser.
 */
@Tag("browser")
class OpsPageBrowserTest {

    private static final String TOKEN = "browser-test-token-0123456789abcdef";
    private static TestApp app;
    private static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        // the eSIMs come late, so that the replayed order stays ACCEPTED while the page shows it
        app = TestApp.start(Map.of("esim.ops.token", TOKEN, "esim.webhook.token", "browser-test-webhook-token",
                "esim.sandbox.webhook-delay-ms", "600000"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("esim.test.chromium", "/usr/bin/chromium"));
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1400,1100", "--user-data-dir=" + Files.createTempDirectory("esim-chromium"));
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("esim.test.chromedriver", "/usr/bin/chromedriver")))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(driver, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void anOperatorFindsAFailedOrderAndReplaysIt() throws Exception {
        SandboxFaults sandbox = app.context().getRegistry().lookupByNameAndType("sandboxFaults", SandboxFaults.class);
        String id = Ops.orderId("WEB");
        sandbox.failNext(Fault.ESIM_REQUEST_FAILED, 1);
        assertThat(submit(id).status()).isEqualTo(OrderStatus.FAILED);
        Ops.post(app.baseUrl() + "/webhooks/esim/browser-test-webhook-token", null,
                Ops.webhook(Ops.topupId(), Ops.orderId("STRANGER"), JAPAN));
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));

        browser.get(app.baseUrl() + "/ops/");
        browser.findElement(By.id("token")).sendKeys(TOKEN);
        browser.findElement(By.id("use-token")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("token-state"), "token set"));
        // the lists load with the token: the failed order and the quarantined webhook are there
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#failed-list tbody"), id));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#quarantine-list tbody"),
                "unknown external_order_id"));

        browser.findElement(By.id("order-id")).sendKeys(id);
        browser.findElement(By.id("find")).click();
        wait.until(ExpectedConditions.textToBe(By.id("order-status"), "FAILED"));
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("SENDING → FAILED",
                "eSIM Request failed");

        browser.findElement(By.id("replay")).click();

        wait.until(ExpectedConditions.textToBe(By.id("order-status"), "ACCEPTED"));
        assertThat(browser.findElement(By.id("message")).getText()).isEqualTo("Order " + id + " is now ACCEPTED");
        assertThat(browser.findElement(By.id("timeline")).getText()).contains("FAILED → RECEIVED",
                "replay requested by operator", "SENDING → ACCEPTED");
        assertThat(browser.findElement(By.id("replay")).isDisplayed()).isFalse();
        assertThat(app.jdbc().queryForObject("SELECT status FROM orders WHERE external_order_id = ?", String.class, id))
                .isEqualTo("ACCEPTED");
        // the token is kept in this tab's sessionStorage only
        JavascriptExecutor js = (JavascriptExecutor) browser;
        assertThat(js.executeScript("return sessionStorage.getItem('esimOpsToken')")).isEqualTo(TOKEN);
        assertThat(js.executeScript("return localStorage.length")).isEqualTo(0L);
        assertThat(js.executeScript("return document.cookie")).isEqualTo("");

        Path screenshot = Path.of("target", "ops-page.png");
        Files.createDirectories(screenshot.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshot,
                StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(screenshot)).isGreaterThan(10_000);
    }

    private static OrderOutcome submit(String id) {
        Order order = new Order(id, List.of(new Order.OrderProduct(JAPAN, 1)),
                new Order.Customer("traveller@example.com", "Ada"), Order.OrderSource.file("web.csv", "2"));
        return app.template().requestBody("direct:submit-order", order, OrderOutcome.class);
    }
}
