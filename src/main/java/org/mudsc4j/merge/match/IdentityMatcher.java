package org.mudsc4j.merge.match;

/** Plain weight averaging (ALGORITHM §7.4): unit k of every model forms merged unit k; U = [I; I; …], value 1. */
public final class IdentityMatcher implements Matcher {

    @Override
    public UnitMatch match(double[] similarity, int numModels, int unitsPerModel) {
        MatchInputs.check(similarity, numModels, unitsPerModel);
        return of(numModels, unitsPerModel);
    }

    /** The identity match itself; it needs no similarity. */
    public static UnitMatch of(int numModels, int unitsPerModel) {
        int[] columnOf = new int[numModels * unitsPerModel];
        for (int u = 0; u < columnOf.length; u++) {
            columnOf[u] = u % unitsPerModel;
        }
        return new UnitMatch(numModels, unitsPerModel, columnOf, unitsPerModel, 1.0);
    }
}
