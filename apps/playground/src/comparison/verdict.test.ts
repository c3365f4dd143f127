import { SYNTHETIC_SETTING_KNOBS } from '@dtrn/datasets';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAYGROUND_CONFIG, resolvePlaygroundConfig } from '../config/playground-config.js';
import type { ComparisonResult, ModelResult } from '../protocol.js';
import { resultVerdict } from './verdict.js';

const TASKS = ['click', 'conversion'];

function model(name: string, aucs: readonly number[]): ModelResult {
  return {
    model: name,
    test: TASKS.map((task, i) => ({ task, auc: aucs[i]!, gauc: null, logloss: null })),
  } as unknown as ModelResult;
}

function result(models: readonly ModelResult[], stopped = false): ComparisonResult {
  return {
    reference: models[0]!.model,
    tasks: TASKS,
    models,
    oracles: TASKS.map((task) => ({ task, kind: 'oracle-sequence-only', auc: 0.9 })),
    stopped,
    seconds: 10,
  };
}

describe('resultVerdict', () => {
  it('says plainly that the default run (full conflict, no Shared-Bottom) is not evidence', () => {
    const verdict = resultVerdict(
      DEFAULT_PLAYGROUND_CONFIG,
      result([model('ple', [0.8, 0.8]), model('dtrn-ple', [0.81, 0.79])]),
    );
    expect(verdict.check).toBe('not-run');
    expect(verdict.text).toMatch(/^Not evidence: /);
    expect(verdict.text).toContain('not evidence for or against DTRN');
    expect(verdict.text).toContain('dtrn compare --preset quick');
  });

  it('reads the check from its own Shared-Bottom on the control setting', () => {
    const control = resolvePlaygroundConfig({
      setting: 'control',
      models: ['shared-bottom', 'dtrn-shared-bottom'],
    });
    expect(control.knobs).toEqual(SYNTHETIC_SETTING_KNOBS.control);
    // (0.872 - 0.5) / (0.9 - 0.5) = 93%; (0.84 - 0.5) / 0.4 = 85%.
    const passed = resultVerdict(control, result([model('shared-bottom', [0.872, 0.876])]));
    expect(passed.check).toBe('passed');
    expect(passed.text).toContain('recovered 93% (click) and 94% (conversion)');
    const failed = resultVerdict(control, result([model('shared-bottom', [0.872, 0.84])]));
    expect(failed.check).toBe('failed');
    expect(failed.text).toContain('recovered only 93% (click) and 85% (conversion)');
    expect(failed.text).toContain('not evidence for or against DTRN');
  });

  it('does not read the check from edited knobs or a stopped run', () => {
    const edited = resolvePlaygroundConfig({
      setting: 'control',
      knobs: { taskCorrelation: 0.5 },
      models: ['shared-bottom', 'dtrn-shared-bottom'],
    });
    expect(resultVerdict(edited, result([model('shared-bottom', [0.88, 0.88])])).check).toBe('not-run');
    const control = resolvePlaygroundConfig({ setting: 'control', models: ['shared-bottom', 'ple'] });
    expect(resultVerdict(control, result([model('shared-bottom', [0.88, 0.88])], true)).check).toBe(
      'not-run',
    );
  });
});
