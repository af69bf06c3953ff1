import { describe, expect, it } from 'vitest';
import { loadCustomLabels } from '../../lib/data/custom.ts';
import { joinFeatureFile } from '../../lib/data/userFeatures.ts';
import { ConfigError, InputError } from '../../lib/errors.ts';
import { tempDir, writeCsv } from './tmpfiles.ts';

const dir = tempDir();
const opts = { tie: '>=' as const, requireSmiles: true };

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  }
  throw new Error('expected an InputError');
}

describe('user label CSV', () => {
  it('reads labels, keeps first-appearance order and maps entries to compounds and targets', () => {
    const file = writeCsv(dir, 'ok.csv', ['compound_id,smiles,target_id,label', 'a,CCO,T1,1', 'b,CCN,T1,0', 'a,CCO,T2,0']);
    const t = loadCustomLabels(file, opts);
    expect(t.compoundIds).toEqual(['a', 'b']);
    expect(t.targets).toEqual(['T1', 'T2']);
    expect(t.smiles).toEqual(['CCO', 'CCN']);
    expect(Array.from(t.compound)).toEqual([0, 1, 0]);
    expect(Array.from(t.target)).toEqual([0, 0, 1]);
    expect(Array.from(t.label)).toEqual([1, 0, 0]);
    expect(t.threshold).toBeNull();
  });

  it('binarises `value` with the threshold and the tie rule', () => {
    const file = writeCsv(dir, 'value.csv', ['compound_id,smiles,target_id,value', 'a,C,T,7', 'b,CC,T,6.9', 'c,CCC,T,7.5']);
    expect(Array.from(loadCustomLabels(file, { ...opts, threshold: 7 }).label)).toEqual([1, 0, 1]);
    expect(Array.from(loadCustomLabels(file, { ...opts, threshold: 7, tie: '>' }).label)).toEqual([0, 0, 1]);
  });

  it('names the missing column and lists the header', () => {
    const file = writeCsv(dir, 'nocol.csv', ['compound_id,smiles,label', 'a,C,1']);
    const e = inputError(() => loadCustomLabels(file, opts));
    expect(e.location).toMatchObject({ file, row: 0, column: 'target_id' });
    expect(e.message).toContain("missing column 'target_id'");
  });

  it('requires a label or value column', () => {
    const file = writeCsv(dir, 'nolabel.csv', ['compound_id,smiles,target_id', 'a,C,T']);
    expect(inputError(() => loadCustomLabels(file, opts)).message).toMatch(/expected 'label' \(0\/1\) or 'value'/);
  });

  it('asks for dataset.threshold when only `value` is given', () => {
    const file = writeCsv(dir, 'nothreshold.csv', ['compound_id,smiles,target_id,value', 'a,C,T,1.5']);
    expect(() => loadCustomLabels(file, opts)).toThrow(ConfigError);
    expect(() => loadCustomLabels(file, opts)).toThrow(/dataset\.threshold/);
  });

  it('rejects a non-numeric value, naming file, row and column', () => {
    const file = writeCsv(dir, 'nan.csv', ['compound_id,smiles,target_id,value', 'a,C,T,1.5', 'b,CC,T,high']);
    const e = inputError(() => loadCustomLabels(file, { ...opts, threshold: 1 }));
    expect(e.location).toEqual({ file, row: 2, column: 'value' });
    expect(e.message).toContain(`${file}, row 2, column 'value': expected a finite decimal number, got 'high'`);
  });

  it('rejects a label that is not 0 or 1', () => {
    const file = writeCsv(dir, 'label2.csv', ['compound_id,smiles,target_id,label', 'a,C,T,1', 'b,CC,T,0', 'c,CCC,T,2']);
    const e = inputError(() => loadCustomLabels(file, opts));
    expect(e.location).toEqual({ file, row: 3, column: 'label' });
    expect(e.message).toMatch(/expected 0 or 1, got '2'/);
  });

  it('reads numbers in decimal notation only: 0x1 is not a label', () => {
    const file = writeCsv(dir, 'label-hex.csv', ['compound_id,smiles,target_id,label', 'a,C,T,1', 'b,CC,T,0x1']);
    const e = inputError(() => loadCustomLabels(file, opts));
    expect(e.location).toEqual({ file, row: 2, column: 'label' });
    expect(e.message).toMatch(/expected a finite decimal number, got '0x1'/);
  });

  it('counts rows as a user does: blank lines keep their place', () => {
    const file = writeCsv(dir, 'blank.csv', ['compound_id,smiles,target_id,label', 'a,C,T,1', '', 'b,CC,T,x']);
    expect(inputError(() => loadCustomLabels(file, opts)).location.row).toBe(3);
  });

  it('rejects an empty file and a header-only file', () => {
    const empty = writeCsv(dir, 'empty.csv', []);
    expect(inputError(() => loadCustomLabels(empty, opts)).message).toMatch(/the file is empty/);
    const headerOnly = writeCsv(dir, 'header.csv', ['compound_id,smiles,target_id,label']);
    expect(inputError(() => loadCustomLabels(headerOnly, opts)).message).toMatch(/no data rows/);
  });

  it('rejects a row with the wrong number of fields, naming the row', () => {
    const file = writeCsv(dir, 'ragged.csv', ['compound_id,smiles,target_id,label', 'a,C,T,1', 'b,CC,T']);
    const e = inputError(() => loadCustomLabels(file, opts));
    expect(e.location.row).toBe(2);
    expect(e.message).toMatch(/malformed CSV/);
  });

  it('merges identical duplicate pairs and counts them; conflicting duplicates name both rows', () => {
    const same = writeCsv(dir, 'dup-same.csv', ['compound_id,smiles,target_id,label', 'a,C,T,1', 'b,CC,T,0', 'a,C,T,1']);
    const t = loadCustomLabels(same, opts);
    expect(t.label.length).toBe(2);
    expect(t.notes.join('\n')).toMatch(/merged 1 duplicate/);

    const conflict = writeCsv(dir, 'dup-conflict.csv', ['compound_id,smiles,target_id,label', 'a,C,T,1', 'b,CC,T,0', 'a,C,T,0']);
    const e = inputError(() => loadCustomLabels(conflict, opts));
    expect(e.location).toEqual({ file: conflict, row: 3, column: 'label' });
    expect(e.message).toMatch(/compound 'a', target 'T'.*row 1 gives 1, this row gives 0/);
  });

  it('rejects one compound with two different SMILES', () => {
    const file = writeCsv(dir, 'smiles2.csv', ['compound_id,smiles,target_id,label', 'a,C,T1,1', 'a,CC,T2,0']);
    const e = inputError(() => loadCustomLabels(file, opts));
    expect(e.location).toEqual({ file, row: 2, column: 'smiles' });
  });

  it('needs SMILES unless features come from a file', () => {
    const file = writeCsv(dir, 'nosmiles.csv', ['compound_id,target_id,label', 'a,T,1']);
    expect(inputError(() => loadCustomLabels(file, opts)).location.column).toBe('smiles');
    expect(loadCustomLabels(file, { ...opts, requireSmiles: false }).smiles).toBeUndefined();
  });
});

describe('user features CSV', () => {
  const labels = writeCsv(dir, 'flabels.csv', ['compound_id,target_id,label', 'a,T,1', 'b,T,0', 'c,T,1']);
  const table = loadCustomLabels(labels, { ...opts, requireSmiles: false });

  it('joins the vectors in label-table compound order and ignores extra rows', () => {
    const file = writeCsv(dir, 'f-ok.csv', ['compound_id,e1,e2', 'c,5,6', 'x,0,0', 'a,1,2', 'b,3,4']);
    const { features, columns, unused } = joinFeatureFile(file, table);
    expect(columns).toEqual(['e1', 'e2']);
    expect(unused).toBe(1);
    expect(features.kind).toBe('dense');
    if (features.kind === 'dense') expect(Array.from(features.values)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('names a labelled compound that has no features, with its label-file row', () => {
    const file = writeCsv(dir, 'f-missing.csv', ['compound_id,e1', 'a,1', 'c,3']);
    const e = inputError(() => joinFeatureFile(file, table));
    expect(e.message).toMatch(/compound 'b' \(row 2 of .*flabels\.csv\) has no row in the features file/);
    expect(e.location.file).toBe(file);
  });

  it('names a non-numeric cell by file, row and column', () => {
    const file = writeCsv(dir, 'f-nan.csv', ['compound_id,e1,e2', 'a,1,2', 'b,3,oops', 'c,5,6']);
    expect(inputError(() => joinFeatureFile(file, table)).location).toEqual({ file, row: 2, column: 'e2' });
  });

  it('refuses a value a 32-bit float cannot train on, naming file, row and column', () => {
    const file = writeCsv(dir, 'f-huge.csv', ['compound_id,e1,e2', 'a,1,2', 'b,3,1e39', 'c,5,6']);
    const e = inputError(() => joinFeatureFile(file, table));
    expect(e.location).toEqual({ file, row: 2, column: 'e2' });
    expect(e.message).toMatch(/1e39 is too large: features are trained as 32-bit floats/);
  });

  it('rejects a compound listed twice and a file without feature columns', () => {
    const twice = writeCsv(dir, 'f-twice.csv', ['compound_id,e1', 'a,1', 'b,2', 'a,3', 'c,4']);
    expect(inputError(() => joinFeatureFile(twice, table)).message).toMatch(/row 3.*'a' already has features on row 1/);
    const none = writeCsv(dir, 'f-none.csv', ['compound_id', 'a', 'b', 'c']);
    expect(inputError(() => joinFeatureFile(none, table)).message).toMatch(/expected numeric feature columns/);
  });
});

describe('CSV reading', () => {
  it('reads quoted fields (csv-parse path) with the same row numbers as unquoted ones', () => {
    const file = writeCsv(dir, 'quoted.csv', ['compound_id,smiles,target_id,label', '"a",C,"T,1",1', '', '"b",CC,T2,maybe']);
    const e = inputError(() => loadCustomLabels(file, opts));
    expect(e.location).toEqual({ file, row: 3, column: 'label' });
    const ok = writeCsv(dir, 'quoted-ok.csv', ['compound_id,smiles,target_id,label', '"a",C,"T,1",1', ' b , CC ,T2,0']);
    const t = loadCustomLabels(ok, opts);
    expect(t.targets).toEqual(['T,1', 'T2']);
    expect(t.compoundIds).toEqual(['a', 'b']);
    expect(t.smiles).toEqual(['C', 'CC']);
  });

  it('reads Windows line endings', () => {
    const file = writeCsv(dir, 'crlf.csv', ['compound_id,smiles,target_id,label\r', 'a,C,T,1\r', 'b,CC,T,0\r']);
    expect(Array.from(loadCustomLabels(file, opts).label)).toEqual([1, 0]);
  });
});

describe('data files beyond the limit', () => {
  it('stops a gzip bomb at the limit and a large file before reading it, naming the file and the limit', async () => {
    const { readTextFile } = await import('../../lib/data/csv.ts');
    const { gzipSync } = await import('node:zlib');
    const { writeFileSync } = await import('node:fs');
    const path = await import('node:path');
    const bomb = path.join(dir, 'bomb.csv.gz');
    writeFileSync(bomb, gzipSync(Buffer.alloc(4 * 2 ** 20, 0x61)));
    const e = inputError(() => readTextFile(bomb, 2 ** 20));
    expect(e.message).toMatch(/bomb\.csv\.gz: it decompresses to more than the limit: mtlc reads data files of at most 1 MiB of text/);
    const big = path.join(dir, 'big.csv');
    writeFileSync(big, Buffer.alloc(2 * 2 ** 20, 0x61));
    expect(inputError(() => readTextFile(big, 2 ** 20)).message).toMatch(/big\.csv: the file is larger than the limit/);
  });
});
