// One RDKit (MinimalLib, WASM) instance per process, loaded on first use.
import initRDKitModule, { type MainModule, type Mol } from '@rdkit/rdkit';

export type RDKit = MainModule;
export type { Mol };

let loading: Promise<RDKit> | undefined;

export function loadRDKit(): Promise<RDKit> {
  loading ??= (initRDKitModule as unknown as () => Promise<RDKit>)();
  return loading;
}

/**
 * Parses a SMILES and hands the molecule to `use`, freeing the WASM object afterwards.
 * Returns undefined when RDKit cannot parse it (get_mol gives null or an invalid Mol).
 */
export function withMol<T>(rdkit: RDKit, smiles: string, use: (mol: Mol) => T): T | undefined {
  let mol: Mol | null = null;
  try {
    mol = rdkit.get_mol(smiles);
  } catch {
    mol = null;
  }
  if (!mol) return undefined;
  try {
    if (!mol.is_valid()) return undefined;
    return use(mol);
  } finally {
    mol.delete();
  }
}
