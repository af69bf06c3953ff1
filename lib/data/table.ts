// The long table after binarisation: one entry per measured (compound, target) pair, with the rule
// for duplicated pairs applied in one place for built-in and user data alike.
import { InputError } from '../errors.ts';

/** Binary labels in long form. Compounds and targets are in order of first appearance. */
export interface BinaryTable {
  compoundIds: string[];
  /** SMILES per compound (same order as compoundIds), or undefined when the data has none. */
  smiles: string[] | undefined;
  targets: string[];
  /** Entry k: compound index, target index, 0/1 label. */
  compound: Int32Array;
  target: Int32Array;
  label: Int8Array;
  /** Data row where each compound first appears (for error messages about a compound). */
  compoundRows: Int32Array;
  /** The file the labels came from. */
  file: string;
  /** The binarisation threshold applied, or null when the file gave 0/1 labels. */
  threshold: number | null;
  notes: string[];
}

/**
 * Collects (compound, target, label) rows.
 *
 * Duplicate rule: a (compound, target) pair may appear more than once only with the same binary
 * label (after binarisation); such rows are merged into one entry and counted in the notes. Two rows
 * of one pair with different labels are an InputError naming both rows.
 */
export class BinaryTableBuilder {
  private readonly compoundIndex = new Map<string, number>();
  private readonly targetIndex = new Map<string, number>();
  private readonly pairs = new Map<string, number>();
  private readonly compoundIds: string[] = [];
  private readonly targets: string[] = [];
  private compound: number[] = [];
  private target: number[] = [];
  private label: number[] = [];
  private firstRow: number[] = [];
  private readonly compoundRows: number[] = [];
  private merged = 0;

  constructor(
    private readonly file: string,
    private readonly labelColumn: string,
  ) {}

  /** Index of a compound, registering it (with the row it first appears on) when new. */
  compoundOf(id: string, row: number): number {
    let c = this.compoundIndex.get(id);
    if (c === undefined) {
      c = this.compoundIds.length;
      this.compoundIndex.set(id, c);
      this.compoundIds.push(id);
      this.compoundRows.push(row);
    }
    return c;
  }

  hasCompound(id: string): boolean {
    return this.compoundIndex.has(id);
  }

  add(compoundId: string, targetId: string, label: 0 | 1, row: number): void {
    const c = this.compoundOf(compoundId, row);
    let t = this.targetIndex.get(targetId);
    if (t === undefined) {
      t = this.targets.length;
      this.targetIndex.set(targetId, t);
      this.targets.push(targetId);
    }
    const key = `${c}\t${t}`;
    const seen = this.pairs.get(key);
    if (seen !== undefined) {
      if (this.label[seen] !== label) {
        throw new InputError(
          { file: this.file, row, column: this.labelColumn },
          `duplicate pair (compound '${compoundId}', target '${targetId}') with a conflicting label: ` +
            `row ${this.firstRow[seen]} gives ${this.label[seen]}, this row gives ${label} ` +
            `(identical duplicates are merged; conflicting ones are an error)`,
        );
      }
      this.merged++;
      return;
    }
    this.pairs.set(key, this.label.length);
    this.compound.push(c);
    this.target.push(t);
    this.label.push(label);
    this.firstRow.push(row);
  }

  build(smiles: string[] | undefined, threshold: number | null, notes: string[] = []): BinaryTable {
    if (this.merged > 0) {
      notes = [...notes, `${this.file}: merged ${this.merged} duplicate (compound, target) row(s) with the same label`];
    }
    return {
      compoundIds: this.compoundIds,
      smiles,
      targets: this.targets,
      compound: Int32Array.from(this.compound),
      target: Int32Array.from(this.target),
      label: Int8Array.from(this.label),
      compoundRows: Int32Array.from(this.compoundRows),
      file: this.file,
      threshold,
      notes,
    };
  }
}
