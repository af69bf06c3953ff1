// The input of every curve fit, and its validation (clear errors naming the point and the field).
import { ComputationError, InputError } from '../errors.ts';
import type { CurveModelName } from '../results.ts';

/**
 * Points of one learning curve. Point p is (n[p], y[p]) plus, by model:
 * - exp3.2 / pairwise: nOther[p] (n_Σ of the other tasks, or n_j of the one source task);
 * - joint: nSources[p][j], the training size of source task j at point p (row per point).
 * `group[p]` names the replicate (seed/fold) the point belongs to; the bootstrap resamples groups.
 */
export interface CurveData {
  n: number[];
  nOther?: number[];
  nSources?: number[][];
  /** joint: names of the source columns (default "1", "2", …), giving the parameter names s_<name>. */
  sourceNames?: string[];
  y: number[];
  group?: (string | number)[];
}

/**
 * The point indices of each replicate group, keyed by its label (String of `group[p]`), in order of first
 * appearance; each point its own group when `group` is absent. What the bootstrap resamples and the jackknife
 * leaves out.
 */
export function replicateGroups(data: CurveData): Map<string, number[]> {
  const byLabel = new Map<string, number[]>();
  data.y.forEach((_, p) => {
    const label = String(data.group ? data.group[p] : p);
    const members = byLabel.get(label);
    if (members) members.push(p);
    else byLabel.set(label, [p]);
  });
  return byLabel;
}

/** The curve restricted to the given points, in the given order (a point listed twice is there twice). */
export function selectPoints(data: CurveData, points: readonly number[]): CurveData {
  const pick = <T>(values: T[] | undefined): T[] | undefined => (values ? points.map((p) => values[p]) : undefined);
  return { ...data, n: pick(data.n)!, y: pick(data.y)!, nOther: pick(data.nOther), nSources: pick(data.nSources), group: pick(data.group) };
}

/** One position on a curve, for predictions. */
export interface CurvePoint {
  n: number;
  nOther?: number;
  nSources?: number[];
}

/** Source names of a joint curve (its s_<name> parameters), defaulting to 1-based column numbers. */
export function sourceNamesOf(data: CurveData): string[] {
  const m = data.nSources?.[0]?.length ?? 0;
  if (data.sourceNames) return data.sourceNames;
  return Array.from({ length: m }, (_, j) => String(j + 1));
}

function checkColumn(values: readonly number[] | undefined, column: string, length: number, positive: boolean): void {
  if (!values) throw new InputError({ column }, `is required for this model`);
  if (values.length !== length) throw new InputError({ column }, `has ${values.length} values but y has ${length}`);
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError({ row: i + 1, column }, `expected a finite number, got ${String(v)}`);
    if (positive ? !(v > 0) : !(v >= 0)) throw new InputError({ row: i + 1, column }, `expected a ${positive ? 'positive' : 'non-negative'} training size, got ${v}`);
  });
}

function distinctCount(values: readonly number[]): number {
  return new Set(values).size;
}

/** Models whose formula takes log n (n must be > 0). */
const needsPositiveN: ReadonlySet<CurveModelName> = new Set(['pow3', 'pow4', 'mmf4']);

/**
 * Throws InputError for malformed data (missing or ragged columns, non-finite values: names row and column),
 * ComputationError when the model cannot be identified from it (fewer points than parameters, a single distinct n).
 */
export function validateCurveData(model: CurveModelName, data: CurveData, nParams: number): void {
  const { y } = data;
  if (!Array.isArray(y) || y.length === 0) throw new InputError({ column: 'y' }, 'the curve has no points');
  y.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError({ row: i + 1, column: 'y' }, `expected a finite number, got ${String(v)}`);
  });
  checkColumn(data.n, 'n', y.length, needsPositiveN.has(model));
  if (data.group && data.group.length !== y.length) throw new InputError({ column: 'group' }, `has ${data.group.length} values but y has ${y.length}`);

  if (y.length < nParams) {
    throw new ComputationError(`${model} has ${nParams} parameters but the curve has only ${y.length} point${y.length === 1 ? '' : 's'}`);
  }
  if (model === 'last1') return;
  if (distinctCount(data.n) < 2) throw new ComputationError(`${model}: every point has the same n (${data.n[0]}), so the learning rate cannot be estimated`);

  if (model === 'exp3.2' || model === 'pairwise') {
    checkColumn(data.nOther, 'nOther', y.length, false);
    if (distinctCount(data.nOther!) < 2) {
      throw new ComputationError(`${model}: every point has the same nOther (${data.nOther![0]}), so the transfer rate s cannot be estimated`);
    }
  }
  if (model === 'joint') {
    const rows = data.nSources;
    if (!rows || rows.length !== y.length) throw new InputError({ column: 'nSources' }, `needs one row per point (${y.length}), got ${rows?.length ?? 0}`);
    const m = rows[0]?.length ?? 0;
    if (m < 1) throw new InputError({ column: 'nSources' }, 'needs at least one source task column');
    if (data.sourceNames && data.sourceNames.length !== m) throw new InputError({ column: 'sourceNames' }, `has ${data.sourceNames.length} names for ${m} source columns`);
    const names = sourceNamesOf(data);
    rows.forEach((row, i) => {
      if (row.length !== m) throw new InputError({ row: i + 1, column: 'nSources' }, `has ${row.length} sources, expected ${m}`);
      row.forEach((v, j) => {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new InputError({ row: i + 1, column: `nSources[${names[j]}]` }, `expected a non-negative finite training size, got ${String(v)}`);
      });
    });
    for (let j = 0; j < m; j++) {
      if (distinctCount(rows.map((r) => r[j])) < 2) throw new ComputationError(`joint: source '${names[j]}' has the same size at every point, so its transfer rate cannot be estimated`);
    }
  }
}
