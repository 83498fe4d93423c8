package org.mudsc4j.merge.match;

/**
 * A matching function of MuDSC (ALGORITHM §7–8): turns the similarity matrix of one permutation group into merged
 * units. Implementations are pure and deterministic; the input is never modified.
 */
public interface Matcher {

    /**
     * @param similarity    row-major O×O similarity, O = numModels·unitsPerModel, indexed [model0 units | model1 units | …]
     * @param numModels     N ≥ 2
     * @param unitsPerModel n ≥ 1
     */
    UnitMatch match(double[] similarity, int numModels, int unitsPerModel);
}
