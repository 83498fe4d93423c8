package org.mudsc4j.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelSpecTest {

    @ParameterizedTest
    @ValueSource(strings = {"resnet20x1", "resnet20x4", "resnet20gnx16", "resnet20gnx2-g4", "resnet20x1@1x28x28",
            "resnet26", "resnet26gn", "resnet50", "resnet50gn", "resnet50gn-g4-b8@3x64x64", "resnet26-b8-e64",
            "vit-p16-d12-w384-h6@3x384x384", "vit-p4-d2-w16-h2-m2-e8@3x8x8"})
    void compactFormRoundTrips(String text) throws Exception {
        ModelSpec spec = ModelSpec.parse(text);
        assertEquals(text, spec.compact());
        assertEquals(spec, ModelSpec.parse(spec.compact()));
        ObjectMapper json = new ObjectMapper();
        assertEquals(spec, json.readValue(json.writeValueAsString(spec), ModelSpec.class));
    }

    @Test
    void parsesDefaults() {
        ModelSpec gn = ModelSpec.parse("resnet20gnx16");
        assertEquals(ModelSpec.Architecture.RESNET20, gn.architecture());
        assertEquals(16, gn.widthMultiplier());
        assertEquals(ModelSpec.Norm.GROUP, gn.norm());
        assertEquals(8, gn.groups());
        assertEquals(512, gn.embedDim());
        assertEquals(new ModelSpec.InputShape(3, 32, 32), gn.input());
        ModelSpec r50 = ModelSpec.parse("RESNET50GN");
        assertEquals(32, r50.groups());
        assertEquals(64, r50.baseWidth());
        ModelSpec vit = ModelSpec.parse("vit-p16-d12-w384-h6");
        assertEquals(new ModelSpec.VitSettings(16, 12, 384, 6, 4), vit.vit());
        assertEquals(ModelSpec.Norm.LAYER, vit.norm());
    }

    @Test
    void rejectsBadSpecsWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("resnet18"));
        assertTrue(e.getMessage().contains("resnet18"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("resnet20x4-g8"));  // groups on BN
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("resnet20x4-b8"));  // base on ResNet-20
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("vit-p16-d2-w10-h3"));  // 10 % 3
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("vit-p5-d2-w12-h3"));  // 32 % 5
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("resnet20x0"));
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse(null));
    }
}
