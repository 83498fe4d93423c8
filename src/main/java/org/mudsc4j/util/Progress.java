package org.mudsc4j.util;

import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.slf4j.Logger;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * Progress bars for long work: an animated bar (rate and ETA) on an interactive terminal, and periodic log
 * lines through SLF4J otherwise (CI, redirected output), so logs stay readable.
 */
public final class Progress {
    private Progress() {
    }

    /**
     * Starts a bar; close it (try-with-resources) when the work ends.
     *
     * @param task  short description shown before the bar
     * @param total number of steps, or -1 when unknown
     * @param unit  name of one step ("img", "batch"), used for the rate
     * @param log   logger that receives the lines when no terminal is attached
     */
    public static ProgressBar start(String task, long total, String unit, Logger log) {
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .showSpeed()
                .setSpeedUnit(ChronoUnit.SECONDS)
                .setStyle(ProgressBarStyle.ASCII);
        if (System.console() == null) {
            // The bar re-emits its final state when closed; drop consecutive duplicates so each line logs once.
            String[] last = {null};
            builder.setConsumer(new DelegatingProgressBarConsumer(line -> {
                        if (!line.equals(last[0])) {
                            last[0] = line;
                            log.info(line);
                        }
                    }, 100))
                    .setUpdateIntervalMillis((int) Duration.ofSeconds(10).toMillis())
                    .continuousUpdate();
        } else {
            builder.setUpdateIntervalMillis(200);
        }
        return builder.build();
    }
}
