// The repository's layering (README "Layout"): lib/ (science and ports) ← functions/, infra/ ← app/ (the CLI and the
// local runner). Read from the sources' own import statements, so a new import that breaks it fails here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/paths.ts';

const LAYERS = ['lib', 'functions', 'infra', 'app'] as const;
type Layer = (typeof LAYERS)[number];
/** What each layer may import from the others. */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  lib: [],
  functions: ['lib'],
  infra: ['lib', 'functions'],
  app: ['lib', 'functions', 'infra'],
};

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourcesUnder(full);
    return /\.ts$/.test(name) && !name.endsWith('.d.ts') ? [full] : [];
  });
}

// Static imports and re-exports (type-only ones too: a cycle of types still ties the modules together), imports for
// their effect, and dynamic imports.
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Each source file (relative to the repository) with the repository files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const layer of LAYERS) {
    for (const file of sourcesUnder(path.join(repoRoot, layer))) {
      const text = readFileSync(file, 'utf8');
      const targets: string[] = [];
      for (const m of text.matchAll(SPECIFIER)) {
        const spec = m[1] ?? m[2] ?? m[3];
        if (!spec.startsWith('.')) continue;
        targets.push(path.relative(repoRoot, path.resolve(path.dirname(file), spec)));
      }
      graph.set(path.relative(repoRoot, file), targets);
    }
  }
  return graph;
}

const layerOf = (file: string): string => file.split(path.sep)[0];

/** Strongly connected components with more than one file (or a file importing itself): Tarjan's algorithm. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('repository layering', () => {
  const graph = importGraph();

  it('reads the sources it judges', () => {
    expect(graph.size).toBeGreaterThan(100);
    // Some module imports lib/ids.ts: the graph resolves relative specifiers to repository files.
    expect([...graph.values()].flat()).toContain(path.join('lib', 'ids.ts'));
  });

  it('imports run one way: lib ← functions, infra ← app', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file) as Layer;
      for (const target of targets) {
        const to = layerOf(target);
        if (to !== from && LAYERS.includes(to as Layer) && !MAY_IMPORT[from].includes(to as Layer)) wrong.push(`${file} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no import cycles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself)', () => {
    const planted = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(planted)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });
});
