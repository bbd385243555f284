/**
 * Tukey's fences, as criterion.rs classifies samples: with the quartiles Q1, Q3 and IQR = Q3 - Q1,
 * a value outside [Q1 - 1.5 IQR, Q3 + 1.5 IQR] is a mild outlier and one outside
 * [Q1 - 3 IQR, Q3 + 3 IQR] a severe one. Outliers are flagged, never dropped.
 */
import { quantileSorted } from './summary';

export interface Fences {
  lowSevere: number;
  lowMild: number;
  highMild: number;
  highSevere: number;
}

export interface OutlierClassification {
  fences: Fences;
  /** Indices (into the input) of every outlier, mild or severe, in ascending order. */
  all: number[];
  /** Indices of the severe ones (a subset of `all`). */
  severe: number[];
}

export function tukeyFences(xs: readonly number[]): Fences {
  const s = [...xs].sort((a, b) => a - b);
  const q1 = quantileSorted(s, 0.25);
  const q3 = quantileSorted(s, 0.75);
  const iqr = q3 - q1;
  return { lowSevere: q1 - 3 * iqr, lowMild: q1 - 1.5 * iqr, highMild: q3 + 1.5 * iqr, highSevere: q3 + 3 * iqr };
}

/** Classifies each value; fewer than 4 values have no meaningful quartiles and no outliers. */
export function classifyOutliers(xs: readonly number[]): OutlierClassification {
  const fences = tukeyFences(xs);
  const all: number[] = [];
  const severe: number[] = [];
  if (xs.length < 4) return { fences, all, severe };
  xs.forEach((x, i) => {
    if (x < fences.lowMild || x > fences.highMild) all.push(i);
    if (x < fences.lowSevere || x > fences.highSevere) severe.push(i);
  });
  return { fences, all, severe };
}
