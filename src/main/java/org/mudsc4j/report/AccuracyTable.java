package org.mudsc4j.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mudsc4j.eval.Accuracies;

/** A Markdown table in the paper's column order (Joint, Avg, Task A, Task B), percentages with two decimals. */
public final class AccuracyTable {
    private final List<String> labels = new ArrayList<>();
    private final List<Accuracies> rows = new ArrayList<>();

    public AccuracyTable add(String label, Accuracies accuracies) {
        labels.add(label);
        rows.add(accuracies);
        return this;
    }

    public String toMarkdown() {
        StringBuilder sb = new StringBuilder("| model | Joint | Avg | Task A | Task B |\n|---|---:|---:|---:|---:|\n");
        for (int i = 0; i < rows.size(); i++) {
            Accuracies a = rows.get(i);
            sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f |%n", labels.get(i),
                    100 * a.joint(), 100 * a.avg(), 100 * a.taskA(), 100 * a.taskB()));
        }
        return sb.toString();
    }
}
