// docs/config.md states every default the schema applies: each backticked default in its tables is the value
// parseRunConfig({}) gives that field, so the reference cannot drift from the code.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../lib/config.ts';

const doc = readFileSync(path.join(import.meta.dirname, '..', 'docs', 'config.md'), 'utf8');
const defaults = parseRunConfig({}) as unknown as Record<string, Record<string, unknown>>;

/** `{min:16, max:"full"}` (the docs' shorthand) → JSON → value. */
const literal = (text: string): unknown => JSON.parse(text.replace(/([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:/g, '$1"$2":'));
const backticked = (cell: string) => [...cell.matchAll(/`([^`]*)`/g)].map((m) => m[1]);

/** Every (section, field, documented default) whose default cell is backticked; the others name no fixed value. */
function documentedDefaults(): { section: string; field: string; value: unknown }[] {
  const out: { section: string; field: string; value: unknown }[] = [];
  let section = '';
  for (const line of doc.split('\n')) {
    const heading = /^## `(\w+)`/.exec(line);
    if (heading) section = heading[1];
    const row = /^\| (`[^|]+) \| ([^|]+) \|/.exec(line);
    if (!section || !row) continue;
    const fields = backticked(row[1]);
    const values = backticked(row[2]);
    if (values.length !== fields.length) continue;
    fields.forEach((field, k) => out.push({ section, field, value: literal(values[k]) }));
  }
  return out;
}

describe('docs/config.md', () => {
  const rows = documentedDefaults();
  it('documents the defaults of every section', () => {
    expect(new Set(rows.map((r) => r.section))).toEqual(new Set(['dataset', 'tasks', 'features', 'split', 'model', 'study', 'execution']));
    expect(rows.length).toBeGreaterThan(30);
  });
  it.each(rows.map((r) => [`${r.section}.${r.field}`, r] as const))('%s: the documented default is the schema default', (_name, { section, field, value }) => {
    expect(defaults[section][field]).toEqual(value);
  });
});
