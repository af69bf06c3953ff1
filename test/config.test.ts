// The run configuration: protocol and replicate defaults, retired fields named with what replaced them.
import { describe, expect, it } from 'vitest';
import { duplicateKeys, parseRunConfig, parseRunConfigText } from '../lib/config.ts';
import { ConfigError } from '../lib/errors.ts';

describe('run configuration', () => {
  it('defaults to every fold as a test fold and the documented training protocol', () => {
    const c = parseRunConfig({});
    expect(c.split.useFolds).toEqual([0, 1, 2, 3, 4]);
    expect(parseRunConfig({ split: { folds: 3 } }).split.useFolds).toEqual([0, 1, 2]);
    expect(c.model).toMatchObject({ maxSteps: 2000, evalEvery: 20, patience: 10 });
    expect(c.split.validationFraction).toBe(0.15);
    expect(c.study.placebo.sources).toBe('all');
  });

  it('names a retired field and what replaced it, next to the other problems', () => {
    const bad = () => parseRunConfig({ model: { epochs: 10, earlyStopping: { fraction: 0.1 }, dropout: 2 } });
    expect(bad).toThrow(ConfigError);
    try {
      bad();
    } catch (err) {
      const fields = (err as ConfigError).issues.map((i) => i.field);
      expect(fields).toEqual(['model.epochs', 'model.earlyStopping', 'model.dropout']);
      expect((err as ConfigError).message).toMatch(/model\.maxSteps/);
    }
  });

  it('rejects a fold listed twice', () => {
    expect(() => parseRunConfig({ split: { useFolds: [0, 0] } })).toThrow(/split\.useFolds\.1.*listed twice/);
  });
});

describe('bounds a config cannot pass', () => {
  it.each([
    [{ study: { seeds: 100000 } }, 'study.seeds'],
    [{ study: { bootstrap: 1e9 } }, 'study.bootstrap'],
    [{ model: { hidden: [100000] } }, 'model.hidden.0'],
    [{ study: { grid: { min: 64, max: 32 } } }, 'study.grid.max'],
    [{ study: { grid: { factor: 1.0001 } } }, 'study.grid.factor'],
    [{ study: { contextFractions: [0, 0.5, 0.5] } }, 'study.contextFractions'],
    [{ execution: { maxConcurrency: 20000 } }, 'execution.maxConcurrency'],
  ])('%j is refused at %s', (input, field) => {
    expect(() => parseRunConfig(input)).toThrow(new RegExp(`'${field.replace(/\./g, '\\.')}'`));
  });
});

describe('a grid too coarse for a curve, known without data', () => {
  it('is refused by the validation the trigger runs', () => {
    expect(() => parseRunConfig({ study: { grid: { min: 64, max: 256, factor: 4 } } })).toThrow(/'study\.grid': gives 2 training size\(s\) \(64, 256\); an EXP3 curve needs at least 3/);
    expect(parseRunConfig({ study: { grid: { min: 64, max: 256, factor: 2 }, lookahead: { delta: 128 } } }).study.grid.max).toBe(256);
  });
});

describe('config text', () => {
  it('accepts a byte-order mark, as CSV files do', () => {
    expect(parseRunConfigText('\uFEFF{"tasks":{"top":2}}').tasks.top).toBe(2);
  });
});

describe('duplicate keys', () => {
  it('are named by their path instead of silently keeping the last', () => {
    expect(duplicateKeys('{"model":{"dropout":0.5,"hidden":[1,{"a":1,"a":2}],"dropout":0.2},"title":"a \\"model\\" x"}')).toEqual(['model.hidden.1.a', 'model.dropout']);
    expect(() => parseRunConfigText('{"study":{"seeds":2,"seeds":3}}')).toThrow(/'study\.seeds': given twice in the same object/);
    expect(duplicateKeys('{"a":{"x":1},"b":{"x":1}}')).toEqual([]);
  });
});
