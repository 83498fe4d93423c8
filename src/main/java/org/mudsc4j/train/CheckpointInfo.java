package org.mudsc4j.train;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The JSON sidecar ({@code <name>.json}) next to a checkpoint's model zip: how the model was made and how far
 * training got. Immutable; every epoch produces a new value.
 *
 * @param formatVersion      sidecar format version ({@link Checkpoint#FORMAT_VERSION})
 * @param run                architecture and provenance of the run
 * @param config             the training recipe
 * @param examplesPerEpoch   training examples per epoch
 * @param iterationsPerEpoch I of the schedule
 * @param numParams          number of network parameters (sanity check on load)
 * @param epochsCompleted    epochs whose updates are in the zip
 * @param finished           true once all {@code config.epochs()} epochs are done
 * @param history            per-epoch metrics, oldest first
 * @param trainSeconds       total wall time spent in training and evaluation so far (all sessions)
 * @param zipSha256          SHA-256 of the model zip this sidecar describes (null before the first save)
 * @param software           library versions and backend that wrote it
 * @param created            ISO-8601 time the run started
 * @param updated            ISO-8601 time of the last save
 */
public record CheckpointInfo(int formatVersion, RunIdentity run, TrainConfig config, long examplesPerEpoch,
                             int iterationsPerEpoch, long numParams, int epochsCompleted, boolean finished,
                             List<EpochMetrics> history, double trainSeconds, String zipSha256, String software,
                             String created, String updated) {
    /** Metadata key of the class-embedding id. */
    public static final String EMBEDDINGS_KEY = "embeddings";

    public CheckpointInfo {
        history = history == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(history));
    }

    /** The sidecar of a run that has not finished an epoch yet. */
    public static CheckpointInfo start(RunIdentity run, TrainConfig config, long examplesPerEpoch,
                                       int iterationsPerEpoch, long numParams, String software) {
        String now = Instant.now().toString();
        return new CheckpointInfo(Checkpoint.FORMAT_VERSION, run, config, examplesPerEpoch, iterationsPerEpoch,
                numParams, 0, false, List.of(), 0.0, null, software, now, now);
    }

    /** This state plus one completed epoch. */
    public CheckpointInfo withEpoch(EpochMetrics metrics, double seconds) {
        List<EpochMetrics> h = new ArrayList<>(history);
        h.add(metrics);
        int done = epochsCompleted + 1;
        return new CheckpointInfo(formatVersion, run, config, examplesPerEpoch, iterationsPerEpoch, numParams, done,
                done >= config.epochs(), h, trainSeconds + seconds, zipSha256, software, created, updated);
    }

    /** This state as saved to a zip with the given hash, now. */
    public CheckpointInfo savedAs(String sha256) {
        return new CheckpointInfo(formatVersion, run, config, examplesPerEpoch, iterationsPerEpoch, numParams,
                epochsCompleted, finished, history, trainSeconds, sha256, software, created,
                Instant.now().toString());
    }

    /**
     * This sidecar with its class-embedding id in today's form ({@link ClassEmbeddings#canonicalId}): sidecars written
     * before ids were content hashes stay reusable for the same matrix.
     */
    public CheckpointInfo withCanonicalEmbeddingsId() {
        String recorded = run.metadata().get(EMBEDDINGS_KEY);
        String canonical = ClassEmbeddings.canonicalId(recorded);
        if (recorded == null || recorded.equals(canonical)) {
            return this;
        }
        java.util.Map<String, String> meta = new java.util.TreeMap<>(run.metadata());
        meta.put(EMBEDDINGS_KEY, canonical);
        return new CheckpointInfo(formatVersion, new RunIdentity(run.architecture(), meta), config, examplesPerEpoch,
                iterationsPerEpoch, numParams, epochsCompleted, finished, history, trainSeconds, zipSha256, software,
                created, updated);
    }

    /**
     * Differences that make resuming this checkpoint for the requested run unsafe; empty when it may resume.
     */
    public List<String> incompatibilities(RunIdentity requestedRun, TrainConfig requestedConfig,
                                          long requestedExamplesPerEpoch) {
        List<String> out = new ArrayList<>(run.differences(requestedRun));
        if (!config.equals(requestedConfig)) {
            out.add("train config: " + config + " vs " + requestedConfig);
        }
        if (examplesPerEpoch != requestedExamplesPerEpoch) {
            out.add("examples per epoch: " + examplesPerEpoch + " vs " + requestedExamplesPerEpoch);
        }
        return out;
    }
}
