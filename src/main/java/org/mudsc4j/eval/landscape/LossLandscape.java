package org.mudsc4j.eval.landscape;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.mudsc4j.data.ClassSplit;
import org.mudsc4j.data.DatasetKind;
import org.mudsc4j.data.Datasets;
import org.mudsc4j.data.ImageBatches;
import org.mudsc4j.data.ImageDataset;
import org.mudsc4j.eval.TaskEvaluation;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.merge.Merger;
import org.mudsc4j.merge.apply.MergeApplier;
import org.mudsc4j.merge.apply.ModelParams;
import org.mudsc4j.merge.groups.UnitGroups;
import org.mudsc4j.merge.plan.DualSpaceSearch;
import org.mudsc4j.merge.plan.MergePlan;
import org.mudsc4j.sweep.TaskModelTraining;
import org.mudsc4j.train.ClassEmbeddings;
import org.mudsc4j.train.CosineHeadLoss;
import org.mudsc4j.train.RunIdentity;
import org.mudsc4j.train.TrainConfig;
import org.mudsc4j.train.Trainer;
import org.mudsc4j.train.TrainingData;
import org.mudsc4j.util.Progress;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.eigen.Eigen;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loss-landscape experiment of ALGORITHM §11 on a pair of binary Fashion-MNIST tasks ({@link BinaryTasks}):
 * train one MLP per task, zip-merge them three ways (ZipIt!, weight zip, MuDSC-zip at α), bring the three transformed
 * pairs into ZipIt!'s frame by weight matching, place the 3×3 interpolation points and the reference's densification
 * points, fit a 2-D PCA plane, and evaluate both tasks' test loss over a regular grid on that plane.
 *
 * <p>Deviation: the reference evaluates the 81 points (and ±1 offsets along the PCs) and interpolates the scattered
 * losses on a Delaunay mesh; here the networks are evaluated directly on a regular grid of the plane
 * ({@code mean + x·pc1 + y·pc2}), and the true (off-plane) losses of the nine method points are reported beside the
 * figure.
 */
public final class LossLandscape {
    private static final Logger LOG = LoggerFactory.getLogger(LossLandscape.class);
    private static final MergeMethod[] METHODS = {MergeMethod.ZIPIT, MergeMethod.WEIGHT_ZIP, MergeMethod.MUDSC_ZIP};
    private static final double[] R = {0.0, 0.5, 1.0};

    /**
     * @param datasetsDir   folder holding fashion-mnist
     * @param checkpointDir where the two MLPs are saved (reused when finished)
     * @param hidden        MLP hidden width (reference 1024)
     * @param embedDim      output / class-embedding dimension (reference 512)
     * @param epochs        training epochs per MLP
     * @param trainPerClass training images per Fashion-MNIST class (0 = all 6000)
     * @param featureImages training images for the activation pass
     * @param testImages    test images for every loss evaluation
     * @param grid          grid points per axis
     * @param alpha         MuDSC's balanced factor (the reference's figure uses 0.5)
     * @param tasks         the pair of binary tasks
     * @param seed          which pair of MLPs: task A's is trained with seed {@code 2·seed}, task B's with
     *                      {@code 2·seed + 1} (independent inits and data orders; seed 0 gives seeds 0 and 1)
     */
    public record Settings(Path datasetsDir, Path checkpointDir, int hidden, int embedDim, int epochs,
                           int trainPerClass, int featureImages, int testImages, int grid, double alpha,
                           BinaryTasks tasks, long seed) {
        public Settings {
            if (seed < 0) {
                throw new IllegalArgumentException("landscape seed must be >= 0, got " + seed);
            }
        }
    }

    private LossLandscape() {
    }

    public static LandscapeResult run(Settings s) throws IOException {
        ImageDataset train = Datasets.load(DatasetKind.FASHION_MNIST, s.datasetsDir(), true);
        if (s.trainPerClass() > 0) {
            train = train.subset(TaskModelTraining.firstPerClass(train, s.trainPerClass()));
        }
        ImageDataset test = Datasets.load(DatasetKind.FASHION_MNIST, s.datasetsDir(), false);
        test = test.subset(TaskModelTraining.firstPerClass(test, Math.max(1, s.testImages() / 10)));
        ClassEmbeddings emb = ClassEmbeddings.seeded(s.tasks().classNames().size(), s.embedDim(), 0);

        BinaryTasks tasks = s.tasks();
        ComputationGraph a = trainTask(s, tasks.taskA(train), tasks.taskA(test), BinaryTasks.TASK_A, emb,
                2 * s.seed(), tasks.id() + "-taskA");
        ComputationGraph b = trainTask(s, tasks.taskB(train), tasks.taskB(test), BinaryTasks.TASK_B, emb,
                2 * s.seed() + 1, tasks.id() + "-taskB");

        ImageDataset featureSet = train.subset(TaskModelTraining.firstPerClass(train,
                Math.max(1, s.featureImages() / 10)));
        ImageBatches features = ImageBatches.builder(tasks.taskA(featureSet)).batchSize(250).build();
        Merger merger = Merger.prepare(List.of(a, b), () -> features.epoch(0));
        UnitGroups groups = merger.groups();
        List<ModelParams> base = List.of(ModelParams.read(a, groups, "task A"), ModelParams.read(b, groups, "task B"));

        // Transformed pairs (θ_A', θ_B') per method, all in ZipIt!'s frame.
        Map<MergeMethod, double[][]> pairs = new LinkedHashMap<>();
        ModelParams root = null;
        for (MergeMethod m : METHODS) {
            MergePlan plan = merger.merge(m, DualSpaceSearch.Options.defaults(s.alpha())).plan();
            ModelParams ta = MergeApplier.transform(groups, base.get(0), plan.state(), 0);
            ModelParams tb = MergeApplier.transform(groups, base.get(1), plan.state(), 1);
            if (root == null) {
                root = ta;
            } else {
                MergePlan frame = new DualSpaceSearch(groups, List.of(root, ta))
                        .run(MergeMethod.REBASIN, DualSpaceSearch.Options.defaults(0.5), null);
                ta = MergeApplier.permute(groups, ta, frame.state(), 1);
                tb = MergeApplier.permute(groups, tb, frame.state(), 1);
            }
            pairs.put(m, new double[][] {ta.flatten(), tb.flatten()});
        }

        List<double[]> fit = new ArrayList<>();
        for (double[][] p : pairs.values()) {
            for (double r : R) {
                fit.add(mix(p[0], p[1], r));
            }
        }
        double[][] c = pairs.get(MergeMethod.MUDSC_ZIP);
        List<double[]> extension = new ArrayList<>();
        for (MergeMethod other : List.of(MergeMethod.ZIPIT, MergeMethod.WEIGHT_ZIP)) {
            double[][] o = pairs.get(other);
            for (double t : new double[] {0.25, 0.5, 0.75, 1.25}) {
                // The reference's densification: lines between the MuDSC line and another method's line.
                double[] e0 = mix(o[1], c[1], t);
                double[] e1 = mix(o[0], c[0], t);
                List<double[]> target = t > 1 ? extension : fit;
                target.add(e0);
                target.add(e1);
                for (int k = 1; k <= 7; k++) {
                    target.add(mix(e0, e1, k / 8.0));
                }
            }
        }
        Plane plane = Plane.fit(fit);
        LOG.info("PCA plane from {} points: PC1 {}%, PC2 {}% of the variance", fit.size(),
                Math.round(100 * plane.explained[0]), Math.round(100 * plane.explained[1]));

        double[] minMax = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY};
        List<double[]> all = new ArrayList<>(fit);
        all.addAll(extension);
        for (double[] p : all) {
            double[] xy = plane.project(p);
            minMax[0] = Math.min(minMax[0], xy[0]);
            minMax[1] = Math.max(minMax[1], xy[0]);
            minMax[2] = Math.min(minMax[2], xy[1]);
            minMax[3] = Math.max(minMax[3], xy[1]);
        }
        double[] xs = axis(minMax[0], minMax[1], s.grid());
        double[] ys = axis(minMax[2], minMax[3], s.grid());

        INDArray x = ImageBatches.builder(test).batchSize(test.size()).build().epoch(0).next().getFeatures();
        int[][] local = tasks.labels(test);
        for (int i = 0; i < local[0].length; i++) {
            local[0][i] -= BinaryTasks.TASK_A.classAt(0);
            local[1][i] -= BinaryTasks.TASK_B.classAt(0);
        }
        TaskLoss loss = new TaskLoss(x, local, emb, CosineHeadLoss.DEFAULT_SCALE);
        ComputationGraph probe = a.clone();
        ModelParams layout = base.get(0);

        List<LandscapeResult.MethodLine> lines = new ArrayList<>();
        for (Map.Entry<MergeMethod, double[][]> e : pairs.entrySet()) {
            double[] px = new double[3];
            double[] py = new double[3];
            double[][] metrics = new double[4][3];
            for (int k = 0; k < 3; k++) {
                double[] p = mix(e.getValue()[0], e.getValue()[1], R[k]);
                double[] xy = plane.project(p);
                px[k] = xy[0];
                py[k] = xy[1];
                layout.withValues(p).writeInto(probe, groups);
                double[] m = loss.evaluate(probe);
                for (int j = 0; j < 4; j++) {
                    metrics[j][k] = m[j];
                }
            }
            lines.add(new LandscapeResult.MethodLine(e.getKey().id(), px, py, metrics[0], metrics[1], metrics[2],
                    metrics[3]));
        }

        double[][] lossA = new double[ys.length][xs.length];
        double[][] lossB = new double[ys.length][xs.length];
        try (ProgressBar bar = Progress.start("landscape grid", (long) xs.length * ys.length, "net", LOG)) {
            for (int iy = 0; iy < ys.length; iy++) {
                for (int ix = 0; ix < xs.length; ix++) {
                    layout.withValues(plane.point(xs[ix], ys[iy])).writeInto(probe, groups);
                    double[] m = loss.evaluate(probe);
                    lossA[iy][ix] = m[0];
                    lossB[iy][ix] = m[1];
                    bar.step();
                }
            }
        }
        return new LandscapeResult(xs, ys, lossA, lossB, plane.explained, lines, majority(local[0]),
                majority(local[1]), tasks);
    }

    private static ComputationGraph trainTask(Settings s, ImageDataset train, ImageDataset test, ClassSplit task,
                                              ClassEmbeddings emb, long seed, String name) throws IOException {
        TrainConfig cfg = TrainConfig.of(s.epochs(), 128, 0.05, seed);
        ComputationGraph g = LandscapeMlp.build(s.hidden(), s.embedDim(),
                CosineHeadLoss.forTask(emb, task.classes(), cfg.logitScale()), seed);
        ImageBatches trainBatches = ImageBatches.builder(train).classes(task).batchSize(cfg.batchSize())
                .augmentation(DatasetKind.FASHION_MNIST.trainAugmentation()).shuffle(true).seed(seed)
                .labelMode(ImageBatches.LabelMode.TASK_LOCAL).build();
        ImageBatches testBatches = ImageBatches.builder(test).classes(task).batchSize(500)
                .labelMode(ImageBatches.LabelMode.TASK_LOCAL).build();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("task", name);
        meta.put("trainPerClass", Integer.toString(s.trainPerClass()));
        meta.put("embeddings", emb.id());
        String arch = "landscape-mlp-h" + s.hidden() + "-d" + s.embedDim();
        Path zip = s.checkpointDir().resolve(arch).resolve(name + "-seed" + seed + "-e" + s.epochs() + ".zip");
        return new Trainer().trainOrReuse(g, cfg, new TrainingData(train.size(), trainBatches::epoch),
                net -> TaskEvaluation.taskAccuracy(net, testBatches.epoch(0), emb, task.classes()), zip,
                new RunIdentity(arch, meta)).graph();
    }

    /** Share of the most frequent of the two task-local labels 0/1. */
    static double majority(int[] localLabels) {
        long positives = java.util.Arrays.stream(localLabels).filter(y -> y == 1).count();
        return Math.max(positives, localLabels.length - positives) / (double) localLabels.length;
    }

    /** {@code r·a + (1−r)·b}. */
    static double[] mix(double[] a, double[] b, double r) {
        double[] out = new double[a.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = r * a[i] + (1 - r) * b[i];
        }
        return out;
    }

    private static double[] axis(double lo, double hi, int n) {
        double margin = 0.15 * (hi - lo);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = lo - margin + (hi - lo + 2 * margin) * i / (n - 1);
        }
        return out;
    }

    /** A 2-D PCA plane of parameter vectors (mean-centred; eigenvectors of the small Gram matrix). */
    static final class Plane {
        final double[] mean;
        final double[] pc1;
        final double[] pc2;
        final double[] explained;

        private Plane(double[] mean, double[] pc1, double[] pc2, double[] explained) {
            this.mean = mean;
            this.pc1 = pc1;
            this.pc2 = pc2;
            this.explained = explained;
        }

        static Plane fit(List<double[]> points) {
            int n = points.size();
            int dim = points.get(0).length;
            double[] mean = new double[dim];
            for (double[] p : points) {
                for (int i = 0; i < dim; i++) {
                    mean[i] += p[i] / n;
                }
            }
            // Centred on the fly instead of copied: at the reference's width each point has 3.4 M parameters, and
            // a centred copy of all 63 would double the heap the fit needs.
            double[][] gram = new double[n][n];
            double trace = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    double d = centredDot(points.get(i), points.get(j), mean);
                    gram[i][j] = d;
                    gram[j][i] = d;
                }
                trace += gram[i][i];
            }
            INDArray g = Nd4j.create(gram).castTo(DataType.DOUBLE);
            INDArray values = Eigen.symmetricGeneralizedEigenvalues(g, true); // ascending; g now holds eigenvectors
            double[][] pcs = new double[2][];
            double[] explained = new double[2];
            for (int c = 0; c < 2; c++) {
                int col = n - 1 - c;
                double[] dir = new double[dim];
                for (int k = 0; k < n; k++) {
                    double w = g.getDouble(k, col);
                    double[] p = points.get(k);
                    for (int i = 0; i < dim; i++) {
                        dir[i] += w * (p[i] - mean[i]);
                    }
                }
                double norm = Math.sqrt(dot(dir, dir));
                for (int i = 0; i < dim; i++) {
                    dir[i] /= norm;
                }
                pcs[c] = dir;
                explained[c] = values.getDouble(col) / trace;
            }
            return new Plane(mean, pcs[0], pcs[1], explained);
        }

        double[] project(double[] p) {
            double x = 0;
            double y = 0;
            for (int i = 0; i < p.length; i++) {
                double d = p[i] - mean[i];
                x += d * pc1[i];
                y += d * pc2[i];
            }
            return new double[] {x, y};
        }

        double[] point(double x, double y) {
            double[] out = new double[mean.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = mean[i] + x * pc1[i] + y * pc2[i];
            }
            return out;
        }

        private static double centredDot(double[] a, double[] b, double[] mean) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += (a[i] - mean[i]) * (b[i] - mean[i]);
            }
            return s;
        }

        private static double dot(double[] a, double[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += a[i] * b[i];
            }
            return s;
        }
    }
}
