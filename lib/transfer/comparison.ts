// LCDB-style model choice on the single-task curves: does EXP3 extrapolate as well as the comparators?
import { compareModels } from '../curves/compare.ts';
import { MtlcError } from '../errors.ts';
import type { CurveModelName, ModelComparison } from '../results.ts';
import type { SplitKind } from '../types.ts';
import type { SelectedCurve } from './curveData.ts';

export const COMPARED_MODELS: CurveModelName[] = ['exp3', 'pow3', 'pow4', 'mmf4', 'last1'];

/**
 * For each single-task curve: every model of COMPARED_MODELS fitted on the smaller anchors and scored on the
 * largest quarter of them (lib/curves compareModels). A curve with too few anchors gives rows with null errors
 * and the reason, so the report can say why.
 */
export function compareSingleTaskModels(curves: { task: string; split: SplitKind; selected: SelectedCurve }[]): ModelComparison[] {
  const rows: ModelComparison[] = [];
  for (const { task, split, selected } of curves) {
    const base = { task, design: 'single' as const, split };
    try {
      for (const r of compareModels([{ curve: task, data: selected.data }], COMPARED_MODELS)) {
        rows.push({ ...base, model: r.model, heldOutMse: r.heldOutMse, lastAnchorError: r.lastAnchorError, ...(r.error ? { error: r.error } : {}) });
      }
    } catch (err) {
      if (!(err instanceof MtlcError)) throw err;
      for (const model of COMPARED_MODELS) rows.push({ ...base, model, heldOutMse: null, lastAnchorError: null, error: err.message });
    }
  }
  return rows;
}
