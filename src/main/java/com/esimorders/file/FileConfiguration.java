package com.esimorders.file;

import com.esimorders.order.OrderValidator;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;

/** The drop folder: reading order files, their results files, and which instance reads which file. */
public class FileConfiguration implements CamelConfiguration {

    @BindToRegistry
    public FileIntake fileIntake(DataSource dataSource, OrderValidator orderValidator,
            @PropertyInject("esim.work.dir") String workDir,
            @PropertyInject("esim.intake.charset") String charset,
            @PropertyInject("esim.intake.max-line-length") int maxLineLength,
            @PropertyInject("esim.intake.progress-every") int progressEvery) throws Exception {
        Path work = Path.of(workDir.trim());
        // created up front: several instances creating done/ at the same moment made one of them fail its move
        for (String folder : List.of("inbox", "done", "error", "out")) {
            Files.createDirectories(work.resolve(folder));
        }
        return new FileIntake(dataSource, work, progressEvery,
                new OrderFileReader.Options(Charset.forName(charset.trim()), maxLineLength, orderValidator));
    }

    /** One row per file being read, shared by every instance on the database: each file goes to one of them. */
    @BindToRegistry
    public FileReadLocks fileReadLocks(CamelContext context, DataSource dataSource,
            @PropertyInject("esim.intake.lock-max-age-ms") int maxAgeMs,
            @PropertyInject("esim.intake.lock-keep-alive-ms") int keepAliveMs) throws Exception {
        FileReadLocks readLocks = new FileReadLocks(dataSource, context, Duration.ofMillis(maxAgeMs),
                Duration.ofMillis(keepAliveMs));
        context.addService(readLocks, true, true);
        return readLocks;
    }
}
