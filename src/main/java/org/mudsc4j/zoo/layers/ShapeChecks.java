package org.mudsc4j.zoo.layers;

import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;

/** Input-type validation shared by the custom layers, with errors that name the layer. */
final class ShapeChecks {
    private ShapeChecks() {
    }

    /** Channel count of an NCHW convolutional input. */
    static long cnnChannels(Layer layer, InputType type) {
        if (!(type instanceof InputType.InputTypeConvolutional conv)) {
            throw new IllegalStateException(layer.getClass().getSimpleName() + " '" + layer.getLayerName()
                    + "' expects convolutional (NCHW) input, got " + type);
        }
        if (conv.getFormat() != org.deeplearning4j.nn.conf.CNN2DFormat.NCHW) {
            throw new IllegalStateException(layer.getClass().getSimpleName() + " '" + layer.getLayerName()
                    + "' expects NCHW input, got " + conv.getFormat());
        }
        return conv.getChannels();
    }

    /** The recurrent (token) input of a ViT layer, which must be NCW: [batch, features, tokens]. */
    static InputType.InputTypeRecurrent tokens(Layer layer, InputType type) {
        if (!(type instanceof InputType.InputTypeRecurrent rnn) || rnn.getFormat() != RNNFormat.NCW) {
            throw new IllegalStateException(layer.getClass().getSimpleName() + " '" + layer.getLayerName()
                    + "' expects recurrent NCW token input [batch, features, tokens], got " + type);
        }
        return rnn;
    }

    static void expectFeatures(Layer layer, InputType.InputTypeRecurrent rnn, long expected) {
        if (rnn.getSize() != expected) {
            throw new IllegalStateException(layer.getClass().getSimpleName() + " '" + layer.getLayerName()
                    + "': expected " + expected + " features per token, got " + rnn.getSize());
        }
    }

    static void expectTokens(Layer layer, InputType.InputTypeRecurrent rnn, long expected) {
        if (rnn.getTimeSeriesLength() > 0 && rnn.getTimeSeriesLength() != expected) {
            throw new IllegalStateException(layer.getClass().getSimpleName() + " '" + layer.getLayerName()
                    + "': expected " + expected + " tokens, got " + rnn.getTimeSeriesLength());
        }
    }
}
