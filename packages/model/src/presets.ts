/**
 * Named configurations: the baselines, DTRN on each head, the ablations and single-task models.
 * Every preset uses the same embedding size (the `ModelArgs` default, d = 40) and heads sized for
 * comparable dense budgets (the README's table is computed by `bench/parameter-table.mjs`).
 */
import { ConfigError, checkEnum } from '@dtrn/base';
import { type ModelArgs, resolveModelArgs } from './model-args.js';

export const MODEL_PRESET_NAMES = [
  'shared-bottom',
  'mmoe',
  'ple',
  'dtrn-shared-bottom',
  'dtrn-mmoe',
  'dtrn-ple',
  'dtrn-shared-bottom-no-tim',
  'dtrn-mmoe-no-tim',
  'dtrn-ple-no-tim',
  'dtrn-ple-no-trm',
  'single-task',
] as const;
export type ModelPresetName = (typeof MODEL_PRESET_NAMES)[number];

/** Shared-Bottom's bottom is wider ([640, 384]) so its budget is close to the 4-expert heads'. */
const SHARED_BOTTOM_HEAD = { bottomUnits: [640, 384], towerUnits: [64] };
/** 4 experts of [256, 128] (MODEL-SPEC: 4 to 8). */
const MMOE_HEAD = { numExperts: 4, expertUnits: [256, 128], towerUnits: [64] };
/** One CGC level with 1 expert per task and 2 shared: 4 experts for 2 tasks, like MMoE. */
const PLE_HEAD = {
  numLevels: 1,
  numTaskExperts: 1,
  numSharedExperts: 2,
  expertUnits: [256, 128],
  towerUnits: [64],
};

export const MODEL_PRESETS: Readonly<Record<ModelPresetName, ModelArgs>> = Object.freeze({
  'shared-bottom': { bottom: 'shared', head: 'shared-bottom', headArgs: SHARED_BOTTOM_HEAD },
  mmoe: { bottom: 'shared', head: 'mmoe', headArgs: MMOE_HEAD },
  ple: { bottom: 'shared', head: 'ple', headArgs: PLE_HEAD },
  'dtrn-shared-bottom': { bottom: 'dtrn', head: 'shared-bottom', headArgs: SHARED_BOTTOM_HEAD },
  'dtrn-mmoe': { bottom: 'dtrn', head: 'mmoe', headArgs: MMOE_HEAD },
  'dtrn-ple': { bottom: 'dtrn', head: 'ple', headArgs: PLE_HEAD },
  /** TRM without TIM on each head: what DTRN adds on data without behaviour sequences. */
  'dtrn-shared-bottom-no-tim': { bottom: 'dtrn-no-tim', head: 'shared-bottom', headArgs: SHARED_BOTTOM_HEAD },
  'dtrn-mmoe-no-tim': { bottom: 'dtrn-no-tim', head: 'mmoe', headArgs: MMOE_HEAD },
  'dtrn-ple-no-tim': { bottom: 'dtrn-no-tim', head: 'ple', headArgs: PLE_HEAD },
  'dtrn-ple-no-trm': { bottom: 'dtrn-no-trm', head: 'ple', headArgs: PLE_HEAD },
  /** Per task: its own embeddings, unconditioned encoder, a [384, 192] bottom and a [64] tower. */
  'single-task': {
    bottom: 'shared',
    head: 'shared-bottom',
    headArgs: { bottomUnits: [384, 192], towerUnits: [64] },
    singleTask: true,
  },
});

const NESTED_KEYS = ['headArgs', 'encoder', 'refiner', 'embeddings'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The preset's args with `overrides` applied: top-level keys replace, the nested objects
 * (`headArgs`, `encoder`, `refiner`, `embeddings`) merge key by key. Validated strictly (unknown
 * preset names and keys name the closest valid one).
 */
export function modelPreset(name: ModelPresetName, overrides: ModelArgs = {}): ModelArgs {
  const preset = MODEL_PRESETS[checkEnum(name, MODEL_PRESET_NAMES, 'modelPreset: name')];
  if (!isPlainObject(overrides)) {
    throw new ConfigError('modelPreset: overrides must be an object', {
      expected: 'ModelArgs',
      found: overrides,
    });
  }
  const merged: Record<string, unknown> = { ...preset, ...overrides };
  for (const key of NESTED_KEYS) {
    const base = preset[key];
    const extra = overrides[key];
    if (isPlainObject(base) && isPlainObject(extra)) merged[key] = { ...base, ...extra };
  }
  resolveModelArgs(merged, `modelPreset(${name})`);
  return merged as ModelArgs;
}
