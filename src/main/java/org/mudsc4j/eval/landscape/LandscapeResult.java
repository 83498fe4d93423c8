package org.mudsc4j.eval.landscape;

import java.util.List;

/**
 * The numbers behind the loss-landscape figure.
 *
 * @param xs          grid x coordinates (PC1), ascending
 * @param ys          grid y coordinates (PC2), ascending
 * @param lossA       task-A test loss at each grid point, [y][x]
 * @param lossB       task-B test loss at each grid point, [y][x]
 * @param explained   fraction of variance explained by PC1 and PC2 (of the fitted points)
 * @param methods     per method, its three points r = 0, 0.5, 1 (r = 0.5 is the merged model)
 * @param majorityA   task A's majority-class rate on the test images (the accuracy of always answering "rest")
 * @param majorityB   task B's majority-class rate
 * @param tasks       the pair of binary tasks (their names title the figure's panels)
 */
public record LandscapeResult(double[] xs, double[] ys, double[][] lossA, double[][] lossB, double[] explained,
                              List<MethodLine> methods, double majorityA, double majorityB, BinaryTasks tasks) {

    /**
     * @param method   method id
     * @param x        projected PC1 coordinate of r = 0, 0.5, 1 (r·θ_A' + (1−r)·θ_B')
     * @param y        projected PC2 coordinates
     * @param lossA    task-A test loss of the actual (unprojected) models at r = 0, 0.5, 1
     * @param lossB    task-B test loss of those models
     * @param accA     task-A test accuracy of those models
     * @param accB     task-B test accuracy of those models
     */
    public record MethodLine(String method, double[] x, double[] y, double[] lossA, double[] lossB, double[] accA,
                             double[] accB) {
    }
}
