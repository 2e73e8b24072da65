package com.esimorders.intake;

import com.esimorders.Settings;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/** Wiring of the intake beans used by the order-file-intake, order-queue-intake and publish-order-event routes. */
public final class Intake {

    private Intake() {
    }

    public static void bind(CamelContext context, Settings settings, DataSource dataSource) throws Exception {
        Registry registry = context.getRegistry();
        Path workDir = Path.of(settings.get("esim.work.dir"));
        // created up front: several instances creating done/ at the same moment made one of them fail its move
        for (String folder : List.of("inbox", "done", "error", "out")) {
            Files.createDirectories(workDir.resolve(folder));
        }
        // one set of order rules for the drop folder and the queue
        OrderValidator validator = new OrderValidator(settings.getInt("esim.order.max-units"));
        OrderFileReader.Options readOptions = new OrderFileReader.Options(
                Charset.forName(settings.get("esim.intake.charset")), settings.getInt("esim.intake.max-line-length"),
                validator);
        registry.bind("fileIntake", new FileIntake(dataSource, workDir, settings.getInt("esim.intake.progress-every"),
                readOptions));

        // one row per file being read, shared by every instance on the database: each file goes to one of them
        FileReadLocks readLocks = new FileReadLocks(dataSource, context,
                Duration.ofMillis(settings.getInt("esim.intake.lock-max-age-ms")),
                Duration.ofMillis(settings.getInt("esim.intake.lock-keep-alive-ms")));
        registry.bind("fileReadLocks", readLocks);
        context.addService(readLocks, true, true);

        registry.bind("orderMessages", new OrderMessages(validator));
        registry.bind("orderEvents", new OrderEvents(context, dataSource, settings.get("esim.results.queue")));
    }
}
