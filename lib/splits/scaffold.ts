// Bemis–Murcko scaffolds. RDKit's MinimalLib (WASM) has no scaffold function, so the graph pruning is
// done here on RDKit's JSON form of the molecule and the result is canonicalised by RDKit again.
import { withMol, type RDKit } from '../features/rdkit.ts';

interface JsonAtom {
  z?: number;
  impHs?: number;
  chg?: number;
  nRad?: number;
  isotope?: number;
  stereo?: string;
}
interface JsonBond {
  bo?: number;
  atoms: [number, number];
  stereo?: string;
  stereoAtoms?: number[];
}

/**
 * The Bemis–Murcko scaffold (Bemis & Murcko 1996) as canonical SMILES: ring atoms plus the linker
 * atoms on paths between rings, i.e. what remains after repeatedly deleting atoms of degree ≤ 1; then,
 * as RDKit's MurckoScaffold does, atoms joined to that core by a double bond (ring/linker C=O, S=O) are
 * kept. Every bond order lost with a deleted neighbour becomes an implicit H. Stereo and isotopes are
 * dropped. An acyclic molecule has the empty scaffold ''. Returns undefined for SMILES RDKit cannot parse.
 */
export function murckoScaffold(rdkit: RDKit, smiles: string): string | undefined {
  const json = withMol(rdkit, smiles, (mol) => mol.get_json());
  if (json === undefined) return undefined;
  const doc = JSON.parse(json) as { molecules: { atoms: JsonAtom[]; bonds: JsonBond[] }[]; [k: string]: unknown };
  const { atoms, bonds } = doc.molecules[0];
  const n = atoms.length;
  const degree = new Int32Array(n);
  const neighbours: [number, number][][] = Array.from({ length: n }, () => []);
  bonds.forEach((b, k) => {
    const [a, c] = b.atoms;
    degree[a]++;
    degree[c]++;
    neighbours[a].push([c, k]);
    neighbours[c].push([a, k]);
  });

  // Prune leaves until none is left: what survives is rings + linkers.
  const core = new Uint8Array(n).fill(1);
  const stack: number[] = [];
  for (let a = 0; a < n; a++) if (degree[a] <= 1) stack.push(a);
  while (stack.length) {
    const a = stack.pop()!;
    if (!core[a]) continue;
    core[a] = 0;
    for (const [c] of neighbours[a]) if (core[c] && --degree[c] === 1) stack.push(c);
  }
  if (!core.some((x) => x === 1)) return '';

  const keep = Uint8Array.from(core);
  bonds.forEach((b) => {
    const [a, c] = b.atoms;
    if ((b.bo ?? 1) === 2 && core[a] !== core[c]) keep[core[a] ? c : a] = 1;
  });

  const newIndex = new Int32Array(n).fill(-1);
  const outAtoms: JsonAtom[] = [];
  for (let a = 0; a < n; a++) {
    if (!keep[a]) continue;
    newIndex[a] = outAtoms.length;
    const { stereo: _s, isotope: _i, ...rest } = atoms[a];
    let lost = 0;
    for (const [c, k] of neighbours[a]) if (!keep[c]) lost += bonds[k].bo ?? 1;
    outAtoms.push({ ...rest, impHs: (rest.impHs ?? 0) + lost });
  }
  const outBonds = bonds
    .filter((b) => keep[b.atoms[0]] && keep[b.atoms[1]])
    .map((b) => ({ bo: b.bo ?? 1, atoms: [newIndex[b.atoms[0]], newIndex[b.atoms[1]]] }));
  const scaffoldDoc = { ...doc, molecules: [{ atoms: outAtoms, bonds: outBonds }] };
  const canonical = withMol(rdkit, JSON.stringify(scaffoldDoc), (mol) => mol.get_smiles());
  if (canonical === undefined) throw new Error(`scaffold of '${smiles}' could not be rebuilt by RDKit`);
  return canonical;
}
