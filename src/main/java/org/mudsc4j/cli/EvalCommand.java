package org.mudsc4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.DatasetKind;
import org.mudsc4j.data.SplitPair;
import org.mudsc4j.data.SplitRuns;
import org.mudsc4j.eval.PairEvaluation;
import org.mudsc4j.report.AccuracyTable;
import org.mudsc4j.train.ClassEmbeddings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Joint / Task A / Task B / Avg accuracy (ALGORITHM.md 3.3) of any saved models on a pair of tasks. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate saved models (task checkpoints or merged models) on the union test set of two tasks.")
public final class EvalCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "MODEL", description = "Model .zip files")
    List<Path> models;
    @Option(names = "--dataset", defaultValue = "fashion-mnist", description = "fashion-mnist | cifar10 | cifar100 (default: ${DEFAULT-VALUE})")
    String dataset;
    @Option(names = "--datasets-dir", defaultValue = Installation.HOME + "/datasets", description = "Folder holding the datasets (default: ${DEFAULT-VALUE})")
    Path datasetsDir;
    @Option(names = "--run", defaultValue = "0", description = "Reference split run 0..4 giving the two tasks (default: ${DEFAULT-VALUE})")
    int run;
    @Option(names = "--classes", description = "The two tasks instead of --run, e.g. '0,2,4,6,8|1,3,5,7,9'")
    String classes;
    @Option(names = "--embeddings", description = "Class-embedding .npy (default: the seeded set)")
    Path embeddingsFile;

    @Override
    public Integer call() throws IOException {
        SavedModels.requireFiles(models);
        DatasetKind kind = DatasetKind.parse(dataset);
        SplitPair pair;
        if (classes != null) {
            pair = SplitRuns.parse(classes, kind.numClasses());
        } else {
            if (run < 0 || run >= SplitRuns.REFERENCE_RUNS) {
                throw new IllegalArgumentException("--run must be in 0.." + (SplitRuns.REFERENCE_RUNS - 1) + ", got " + run);
            }
            pair = SplitRuns.reference(kind, SplitRuns.REFERENCE_RUNS).get(run);
        }
        ClassEmbeddings embeddings = org.mudsc4j.sweep.PairData.embeddings(kind, embeddingsFile);
        org.mudsc4j.sweep.PairData data = org.mudsc4j.sweep.PairData.load(kind, datasetsDir,
                List.of(pair.first(), pair.second()), 256, 0, 1, 0, 0);
        AccuracyTable table = new AccuracyTable();
        for (Path p : models) {
            ComputationGraph graph = SavedModels.load(p);
            table.add(p.toString(), PairEvaluation.evaluate(graph, data.unionTest().epoch(0), embeddings, pair));
        }
        System.out.println("Tasks " + pair + " on " + kind.id() + " test data (" + data.unionTest().size() + " images)");
        System.out.print(table.toMarkdown());
        return 0;
    }
}
