package org.mudsc4j.merge.groups;

/** A graph whose unit axes cannot be followed: names the vertex, its type and what is supported. */
public final class UnsupportedTopologyException extends IllegalArgumentException {
    static final String SUPPORTED = "supported: ConvolutionLayer, DenseLayer (also inside TimeDistributed), "
            + "OutputLayer/LossLayer at the end, BatchNormalization, GroupNorm, TokenLayerNorm, ActivationLayer, "
            + "DropoutLayer, SubsamplingLayer, GlobalPoolingLayer, ElementWiseVertex, channel-keeping ReshapeVertex, "
            + "ClassTokenEmbedding, AttentionCore, ClassTokenSelect";

    public UnsupportedTopologyException(String vertex, String type, String why) {
        super("vertex '" + vertex + "' (" + type + "): " + why + "; " + SUPPORTED);
    }
}
