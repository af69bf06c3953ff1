// Tiny HTML helpers: every piece of text that came from data goes through `esc`.

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

/** A number for a table cell: significant digits, exponent for very small/large, an em dash for null/NaN. */
export function num(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e6) return value.toExponential(digits - 1);
  return Number(value.toPrecision(digits)).toString();
}

export function interval(ci: readonly [number, number] | undefined, digits = 3): string {
  return ci ? `[${num(ci[0], digits)}, ${num(ci[1], digits)}]` : '—';
}

/** A table whose cells are already-escaped HTML (use esc/num on data). `numeric` right-aligns those columns. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = []): string {
  const cls = (k: number) => (numeric.includes(k) ? ' class="num"' : '');
  const head = headers.map((h, k) => `<th${cls(k)}>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, k) => `<td${cls(k)}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A definition list of label → already-escaped HTML value. */
export function facts(entries: readonly [string, string][]): string {
  return `<dl class="facts">${entries.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

/** The "not run" / "no results" notice an empty section shows instead of an empty chart. */
export function notRun(text: string): string {
  return `<p class="not-run"><strong>Not run.</strong> ${esc(text)}</p>`;
}
