package org.mudsc4j.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mudsc4j.merge.MergeMethod;

class ExperimentDefinitionTest {

    @Test
    void everyBundledExperimentIsValid() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("experiments"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 8, "experiments/ holds the default and the paper-scale definitions");
        for (Path f : files) {
            ExperimentDefinition d = ExperimentDefinition.load(f, false);
            assertEquals(f.getFileName().toString(), d.name() + ".yaml", "file name matches the experiment name");
        }
    }

    @Test
    void theDefaultExperimentRunsAllSevenMethodsAndHasAQuickVariant() throws IOException {
        Path f = Path.of("experiments/fashion-mnist-resnet20.yaml");
        ExperimentDefinition full = ExperimentDefinition.load(f, false);
        assertEquals(List.of(MergeMethod.values()), full.methods());
        ExperimentDefinition quick = ExperimentDefinition.load(f, true);
        assertEquals("fashion-mnist-resnet20-quick", quick.name());
        assertTrue(quick.train().epochs() < full.train().epochs());
        assertEquals(full.model(), quick.model(), "fields the quick block leaves alone are kept");
        assertEquals(full.train().seed(), quick.train().seed());
        assertTrue(quick.pairs().size() <= full.pairs().size());
    }

    @Test
    void typosAndBadValuesNameTheFileAndField(@TempDir Path dir) throws IOException {
        String good = Files.readString(Path.of("experiments/fashion-mnist-resnet20.yaml"));
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, good.replaceFirst("epochs:", "epoch:"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentDefinition.load(typo, false));
        assertTrue(e.getMessage().contains("typo.yaml") && e.getMessage().contains("epoch"), e.getMessage());

        Path badAlpha = dir.resolve("alpha.yaml");
        Files.writeString(badAlpha, good.replace("max: 0.9", "max: 1.5"));
        e = assertThrows(IllegalArgumentException.class, () -> ExperimentDefinition.load(badAlpha, false));
        assertTrue(e.getMessage().contains("alpha"), e.getMessage());

        Path badMethod = dir.resolve("method.yaml");
        Files.writeString(badMethod, good.replace("weight-zip, mudsc-zip]", "weight-zip, mudsc-zap]"));
        e = assertThrows(IllegalArgumentException.class, () -> ExperimentDefinition.load(badMethod, false));
        assertTrue(e.getMessage().contains("mudsc-zap"), e.getMessage());

        assertThrows(IllegalArgumentException.class, () -> ExperimentDefinition.load(dir.resolve("none.yaml"), false));
    }
    /** The merge block's parity settings: an index file relative to the experiment file, no augmentation, the
     * reference order; overrides from the command line replace perClass; contradictions name the field. */
    @Test
    void parityDataPassesAndOrderAreReadAndChecked(@TempDir Path dir) throws IOException {
        String good = Files.readString(Path.of("experiments/fashion-mnist-resnet20.yaml"));
        Path parity = dir.resolve("parity.yaml");
        Files.writeString(parity, good.replace("  perClass: 200       #", "  trainIndices: idx.npy\n  augment: none\n"
                + "  order: reference\n  perClass: 0 #"));
        ExperimentDefinition d = ExperimentDefinition.load(parity, false);
        assertEquals(dir.resolve("idx.npy").toAbsolutePath(), d.merge().passes().indicesFile());
        assertEquals(TrainPasses.Augment.NONE, d.merge().passes().augment());
        assertEquals(org.mudsc4j.merge.plan.SweepOrder.REFERENCE, d.merge().sweepOrder());

        ExperimentDefinition plain = ExperimentDefinition.load(Path.of("experiments/fashion-mnist-resnet20.yaml"), false);
        assertEquals(TrainPasses.Augment.TRAIN, plain.merge().passes().augment());
        assertEquals(org.mudsc4j.merge.plan.SweepOrder.SEEDED, plain.merge().sweepOrder());
        ExperimentDefinition.MergeSettings overridden = plain.merge().with("/x/idx.npy", "none", null);
        assertEquals(0, overridden.perClass(), "given indices replace perClass");
        assertEquals(Path.of("/x/idx.npy"), overridden.passes().indicesFile());

        Path both = dir.resolve("both.yaml");
        Files.writeString(both, good.replace("  perClass: 200       #", "  trainIndices: idx.npy\n  perClass: 200 #"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExperimentDefinition.load(both, false));
        assertTrue(e.getMessage().contains("both.yaml") && e.getMessage().contains("trainIndices"), e.getMessage());
        Path badAugment = dir.resolve("aug.yaml");
        Files.writeString(badAugment, good.replace("  perClass: 200       #", "  augment: flip\n  perClass: 200 #"));
        e = assertThrows(IllegalArgumentException.class, () -> ExperimentDefinition.load(badAugment, false));
        assertTrue(e.getMessage().contains("aug.yaml") && e.getMessage().contains("flip"), e.getMessage());
    }
}
