package org.mudsc4j.sweep;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.mudsc4j.data.DatasetKind;
import org.mudsc4j.data.SplitRuns;
import org.mudsc4j.merge.MergeMethod;
import org.mudsc4j.merge.plan.SweepOrder;
import org.mudsc4j.zoo.ModelSpec;

/**
 * One experiment of {@code experiments/*.yaml}: which pairs of task models to train, how, and how to merge and
 * evaluate them. An optional {@code quick:} block holds overrides for a fast variant ({@code reproduce --quick}).
 * Unknown keys are errors, so a typo cannot silently fall back to a default.
 *
 * @param name         experiment name; results go to {@code results/<name>[-quick]/}
 * @param description  one line for the report
 * @param dataset      fashion-mnist | cifar10 | cifar100
 * @param model        zoo model spec (input shape follows the dataset)
 * @param pairs        reference split runs (0..4) to train and merge
 * @param train        training recipe of every task model
 * @param merge        merge methods and the data used for BN re-estimation and features
 * @param alpha        the balanced-factor search of the MuDSC variants
 * @param evalPerClass test images per class for the final evaluation (0 = the whole test set)
 */
public record ExperimentDefinition(String name, String description, String dataset, String model, List<Integer> pairs,
                                   Training train, MergeSettings merge, AlphaSettings alpha, int evalPerClass) {

    /**
     * Training recipe (ALGORITHM §1.1 with a shorter schedule; warm-up follows TrainConfig's rule).
     *
     * @param monitorPerClass test images per class for the accuracy logged after every epoch (absent or 0 = all)
     */
    public record Training(int epochs, int batch, double lr, int perClass, long seed, Integer monitorPerClass) {
        public int monitorImagesPerClass() {
            return monitorPerClass == null ? 0 : monitorPerClass;
        }
    }

    /**
     * @param methods      merge method ids in table order
     * @param batch        batch size of BN re-estimation and the feature pass
     * @param perClass     union training images per class for those passes (0 = all, as the reference)
     * @param seed         seed of the data passes and of the sweep order
     * @param trainIndices optional int64 {@code .npy} of training-image indices that feed those passes instead, in
     *                     order (relative to the experiment file's folder); absent = perClass
     * @param augment      optional {@code train} (the default, as the reference) or {@code none}
     * @param order        optional sweep order: {@code seeded} (the default) or {@code reference}
     */
    public record MergeSettings(List<String> methods, int batch, int perClass, long seed, String trainIndices,
                                String augment, String order) {
        /** The data passes these settings describe. */
        public TrainPasses passes() {
            return new TrainPasses(perClass, trainIndices == null ? null : Path.of(trainIndices),
                    augment == null ? TrainPasses.Augment.TRAIN : TrainPasses.Augment.parse(augment));
        }

        public SweepOrder sweepOrder() {
            return order == null ? SweepOrder.SEEDED : SweepOrder.parse(order);
        }

        /** The same settings with the given overrides (null keeps the file's value; indices replace perClass). */
        public MergeSettings with(String newTrainIndices, String newAugment, String newOrder) {
            return new MergeSettings(methods, batch, newTrainIndices != null ? 0 : perClass, seed,
                    newTrainIndices != null ? newTrainIndices : trainIndices, newAugment != null ? newAugment : augment,
                    newOrder != null ? newOrder : order);
        }
    }

    /** This definition with its merge settings replaced (command-line overrides). */
    public ExperimentDefinition withMerge(MergeSettings newMerge) {
        return new ExperimentDefinition(name, description, dataset, model, pairs, train, newMerge, alpha, evalPerClass);
    }

    /**
     * @param search            grid | random (Arbiter candidate generators)
     * @param min               smallest α
     * @param max               largest α
     * @param count             grid points, or random candidates
     * @param selectionPerClass training images per class (test transform) on which α is chosen by Joint accuracy
     * @param seed              seed of the random search
     */
    public record AlphaSettings(String search, double min, double max, int count, int selectionPerClass, long seed) {
        /** @throws IllegalArgumentException naming the setting that is out of range (before any slow work) */
        public AlphaSettings check() {
            require("grid".equals(search) || "random".equals(search), "alpha search must be grid or random, got '"
                    + search + "'");
            require(min >= 0 && max <= 1 && min <= max, "alpha needs 0 <= min <= max <= 1, got min " + min + ", max "
                    + max);
            require(count >= 1 && selectionPerClass >= 1, "alpha needs count >= 1 and selectionPerClass >= 1, got "
                    + count + " and " + selectionPerClass);
            return this;
        }
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /**
     * Reads and validates a definition; with {@code quick}, the file's {@code quick:} block is laid over it first.
     *
     * @throws IllegalArgumentException naming the file and the offending field
     */
    public static ExperimentDefinition load(Path file, boolean quick) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("experiment file " + file + " does not exist");
        }
        JsonNode root = YAML.readTree(file.toFile());
        if (!(root instanceof ObjectNode obj)) {
            throw new IllegalArgumentException(file + ": expected a mapping at the top level");
        }
        JsonNode overrides = obj.remove("quick");
        if (quick) {
            if (overrides == null) {
                throw new IllegalArgumentException(file + " has no 'quick:' block, so --quick is not available");
            }
            overlay(obj, overrides);
            obj.put("name", obj.path("name").asText() + "-quick");
        }
        ExperimentDefinition d;
        try {
            d = YAML.treeToValue(obj, ExperimentDefinition.class);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            String where = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : "[" + r.getIndex() + "]").collect(java.util.stream.Collectors.joining("."));
            throw new IllegalArgumentException(file + ": " + (where.isEmpty() ? "" : "at " + where + ": ")
                    + e.getOriginalMessage(), e);
        }
        if (d.merge() != null && d.merge().trainIndices() != null && !Path.of(d.merge().trainIndices()).isAbsolute()) {
            MergeSettings m = d.merge();
            d = d.withMerge(new MergeSettings(m.methods(), m.batch(), m.perClass(), m.seed(),
                    file.toAbsolutePath().getParent().resolve(m.trainIndices()).toString(), m.augment(), m.order()));
        }
        d.validate(file);
        return d;
    }

    public DatasetKind datasetKind() {
        return DatasetKind.parse(dataset);
    }

    public ModelSpec modelSpec() {
        return ModelSpec.parse(model);
    }

    public List<MergeMethod> methods() {
        return merge.methods().stream().map(MergeMethod::parse).toList();
    }

    /** @throws IllegalArgumentException naming the offending field (also after command-line overrides) */
    public void validate(Path file) {
        try {
            require(name != null && name.matches("[A-Za-z0-9._-]+"), "name must be a simple file name");
            require(dataset != null, "dataset is required");
            DatasetKind.parse(dataset);
            require(model != null, "model is required");
            ModelSpec.parse(model);
            require(pairs != null && !pairs.isEmpty(), "pairs must list at least one split run");
            for (int p : pairs) {
                require(p >= 0 && p < SplitRuns.REFERENCE_RUNS, "pairs: run " + p + " outside 0.."
                        + (SplitRuns.REFERENCE_RUNS - 1));
            }
            require(train != null && train.epochs() >= 1 && train.batch() >= 1 && train.lr() > 0
                    && train.perClass() >= 0, "train needs epochs >= 1, batch >= 1, lr > 0, perClass >= 0");
            require(merge != null && merge.methods() != null && !merge.methods().isEmpty() && merge.batch() >= 1
                    && merge.perClass() >= 0, "merge needs methods, batch >= 1, perClass >= 0");
            methods();
            merge.passes(); // checks augment, and trainIndices against perClass
            merge.sweepOrder();
            require(alpha != null, "alpha is required");
            alpha.check();
            require(evalPerClass >= 0, "evalPerClass must be >= 0");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Recursively replaces fields of {@code base} by those of {@code over}. */
    private static void overlay(ObjectNode base, JsonNode over) {
        for (Iterator<Map.Entry<String, JsonNode>> it = over.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode current = base.get(e.getKey());
            if (current instanceof ObjectNode c && e.getValue().isObject()) {
                overlay(c, e.getValue());
            } else {
                base.set(e.getKey(), e.getValue());
            }
        }
    }
}
