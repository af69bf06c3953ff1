// `mtlc fit`: fit one curve model to every curve of a CSV file and print the parameters.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseCurveCsv } from '../../../lib/curves/csv.ts';
import { fitCurve } from '../../../lib/curves/fit.ts';
import { CURVE_MODELS, paramNames } from '../../../lib/curves/models.ts';
import { InputError, MtlcError } from '../../../lib/errors.ts';
import type { CurveModelName } from '../../../lib/results.ts';

export const summary = 'fit a learning-curve model (exp3, exp3.2, pow3, …) to the curves of a CSV file';

const MODELS = ['exp3', 'exp3.2', 'pairwise', 'pow3', 'pow4', 'mmf4', 'last1'] as const;
type CliModel = (typeof MODELS)[number];
const TWO_ARGUMENT: ReadonlySet<CliModel> = new Set(['exp3.2', 'pairwise']);

const USAGE = `usage: mtlc fit --input FILE.csv --model MODEL [--format json|csv]

Fits MODEL by least squares (global search over the rates, closed-form linear part, local polish)
to every curve in FILE.csv and prints one result per curve.

  --input FILE     CSV with columns curve,n,y (or curve,n_i,n_other,y for exp3.2 and pairwise);
                   extra columns are ignored
  --model MODEL    one of:
${MODELS.map((m) => `                     ${m.padEnd(9)} ${CURVE_MODELS[m].formula}   (${CURVE_MODELS[m].constraints})`).join('\n')}
  --format F       json (default): [{"curve","model","params":{…},"sse","n_points"}, …]
                   csv: curve,model,<params>,sse,n_points — one row per curve

When the optimum lies on the edge of the model family, a "limit" field says which (constant: flat
data, e^b = 0 and b is printed as null; linear / log-linear: the rate → 0 limit, printed at a tiny
rate; step: the plateau is reached right after the first anchor). A curve that cannot be fitted is
printed with an "error" field, and the exit status is then 1.`;

interface CurveRow {
  curve: string;
  model: CurveModelName;
  params?: Record<string, number | null>;
  sse?: number;
  n_points: number;
  limit?: string;
  error?: string;
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsv(rows: CurveRow[], names: string[]): string {
  const header = ['curve', 'model', ...names, 'sse', 'n_points', 'limit', 'error'];
  const lines = rows.map((r) => [r.curve, r.model, ...names.map((p) => r.params?.[p]), r.sse, r.n_points, r.limit, r.error].map(csvCell).join(','));
  return [header.join(','), ...lines].join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  const values = parseArgs({
    args: argv,
    options: { input: { type: 'string', short: 'i' }, model: { type: 'string', short: 'm' }, format: { type: 'string', default: 'json' }, help: { type: 'boolean', short: 'h' } },
  }).values;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.input) throw new InputError({ column: '--input' }, 'is required (a CSV file of curves)');
  if (!values.model || !(MODELS as readonly string[]).includes(values.model)) {
    throw new InputError({ column: '--model' }, `expected one of ${MODELS.join(', ')}, got '${values.model ?? ''}'`);
  }
  if (values.format !== 'json' && values.format !== 'csv') throw new InputError({ column: '--format' }, `expected json or csv, got '${values.format}'`);
  const model = values.model as CliModel;

  let text: string;
  try {
    text = readFileSync(values.input, 'utf8');
  } catch (err) {
    throw new InputError({ file: values.input }, `cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const curves = parseCurveCsv(text, values.input, TWO_ARGUMENT.has(model));

  const rows: CurveRow[] = [];
  for (const { curve, data } of curves) {
    try {
      const fit = fitCurve(model, data);
      const params: Record<string, number | null> = {};
      for (const [name, v] of Object.entries(fit.params)) params[name] = finiteOrNull(v);
      rows.push({ curve, model, params, sse: fit.sse, n_points: fit.nPoints, ...(fit.limit ? { limit: fit.limit } : {}) });
    } catch (err) {
      if (!(err instanceof MtlcError)) throw err;
      rows.push({ curve, model, n_points: data.y.length, error: err.message });
      console.error(`mtlc fit: curve '${curve}': ${err.message}`);
    }
  }
  process.stdout.write(values.format === 'csv' ? toCsv(rows, paramNames(model)) : JSON.stringify(rows, null, 2) + '\n');
  return rows.some((r) => r.error) ? 1 : 0;
}
