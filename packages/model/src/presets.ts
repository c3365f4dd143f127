/**
 * Named configurations: the baselines, DTRN on each head, the ablations and single-task models.
 * Every preset uses the same embedding size (the `ModelArgs` default, d = 40) and its head's preset
 * sizes, registered with the head in @dtrn/mtl-heads and chosen for comparable dense budgets (the
 * README's table is computed by `bench/parameter-table.mjs`).
 */
import { ConfigError, checkEnum } from '@dtrn/base';
import { type AnyMtlHeadDefinition, getHead } from '@dtrn/mtl-heads';
import { type BottomKind, type ModelArgs, resolveModelArgs } from './model-args.js';

/** The head's preset sizes, from its registration in @dtrn/mtl-heads (comparable dense budgets). */
function onHead(bottom: BottomKind, head: string): ModelArgs {
  return { bottom, head, headArgs: getHead(head).presetSizes };
}

/** Every preset: its args and one line for listings (`dtrn models`, reports). The one list of names. */
const PRESETS = {
  'shared-bottom': {
    args: onHead('shared', 'shared-bottom'),
    description: 'Shared-Bottom: one shared MLP bottom, a tower per task (baseline)',
  },
  mmoe: {
    args: onHead('shared', 'mmoe'),
    description: 'MMoE: 4 experts, a softmax gate per task (baseline)',
  },
  ple: {
    args: onHead('shared', 'ple'),
    description: 'PLE: one CGC level, 1 expert per task + 2 shared (baseline)',
  },
  'dtrn-shared-bottom': {
    args: onHead('dtrn', 'shared-bottom'),
    description: 'DTRN bottoms (TIM + TRM) with a Shared-Bottom head',
  },
  'dtrn-mmoe': { args: onHead('dtrn', 'mmoe'), description: 'DTRN bottoms (TIM + TRM) with an MMoE head' },
  'dtrn-ple': { args: onHead('dtrn', 'ple'), description: 'DTRN bottoms (TIM + TRM) with a PLE head' },
  // Cascade heads: they need a funnel in the data (conversion `positiveOf` click); see head-cascade.ts.
  esmm: {
    args: onHead('shared', 'esmm'),
    description:
      'ESMM: a tower per task, conversion trained as pCTR x pCVR on every impression (needs click -> conversion data)',
  },
  'dtrn-esmm': {
    args: onHead('dtrn', 'esmm'),
    description: 'DTRN bottoms (TIM + TRM) with an ESMM head (needs click -> conversion data)',
  },
  aitm: {
    args: onHead('shared', 'aitm'),
    description:
      'AITM: a tower per task, attention transfer click -> conversion, calibrator loss (needs click -> conversion data)',
  },
  'dtrn-aitm': {
    args: onHead('dtrn', 'aitm'),
    description: 'DTRN bottoms (TIM + TRM) with an AITM head (needs click -> conversion data)',
  },
  // TRM without TIM on each head: what DTRN adds on data without behaviour sequences.
  'dtrn-shared-bottom-no-tim': {
    args: onHead('dtrn-no-tim', 'shared-bottom'),
    description:
      'DTRN without TIM (unconditioned encoder + TRM) with a Shared-Bottom head; fits data without sequences',
  },
  'dtrn-mmoe-no-tim': {
    args: onHead('dtrn-no-tim', 'mmoe'),
    description:
      'DTRN without TIM (unconditioned encoder + TRM) with an MMoE head; fits data without sequences',
  },
  'dtrn-ple-no-tim': {
    args: onHead('dtrn-no-tim', 'ple'),
    description: 'ablation: DTRN-PLE without TIM (unconditioned encoder + TRM); fits data without sequences',
  },
  'dtrn-ple-no-trm': {
    args: onHead('dtrn-no-trm', 'ple'),
    description: 'ablation: DTRN-PLE without TRM (TIM interests, no field re-weighting)',
  },
  // STEM-style embeddings (a shared table and one per task for every id space) on each head.
  'stem-shared-bottom': {
    args: onHead('stem', 'shared-bottom'),
    description: 'STEM-style embeddings (shared + per-task tables) with a Shared-Bottom head',
  },
  'stem-mmoe': {
    args: onHead('stem', 'mmoe'),
    description: 'STEM-style embeddings (shared + per-task tables) with an MMoE head',
  },
  'stem-ple': {
    args: onHead('stem', 'ple'),
    description: 'STEM-style embeddings (shared + per-task tables) with a PLE head',
  },
  // Per task: its own embeddings, unconditioned encoder, a [384, 192] bottom and a [64] tower.
  'single-task': {
    args: {
      bottom: 'shared',
      head: 'shared-bottom',
      headArgs: { bottomUnits: [384, 192], towerUnits: [64] },
      singleTask: true,
    },
    description: 'one independent model per task (negative-transfer reference)',
  },
} satisfies Record<string, { readonly args: ModelArgs; readonly description: string }>;

export type ModelPresetName = keyof typeof PRESETS;
export const MODEL_PRESET_NAMES: readonly ModelPresetName[] = Object.freeze(
  Object.keys(PRESETS) as ModelPresetName[],
);

function byPreset<T>(
  pick: (entry: (typeof PRESETS)[ModelPresetName]) => T,
): Readonly<Record<ModelPresetName, T>> {
  return Object.freeze(
    Object.fromEntries(MODEL_PRESET_NAMES.map((name) => [name, pick(PRESETS[name])])) as Record<
      ModelPresetName,
      T
    >,
  );
}

export const MODEL_PRESETS: Readonly<Record<ModelPresetName, ModelArgs>> = byPreset((entry) => entry.args);
export const MODEL_PRESET_DESCRIPTIONS: Readonly<Record<ModelPresetName, string>> = byPreset(
  (entry) => entry.description,
);

function checkPresetName(name: string, where: string): ModelPresetName {
  return checkEnum(name, MODEL_PRESET_NAMES, where);
}

/** The head a preset uses, as registered in @dtrn/mtl-heads (its family, preset sizes, ...). */
export function modelPresetHead(name: string): AnyMtlHeadDefinition {
  return getHead(MODEL_PRESETS[checkPresetName(name, 'modelPresetHead: name')].head!);
}

/**
 * The preset a variant's gain is measured against: a preset with a DTRN bottom (or TRM alone, or
 * an ablation) against the baseline with the same head and the shared bottom; baselines and
 * single-task models have none (null).
 */
export function modelPresetBase(name: string): ModelPresetName | null {
  const preset = MODEL_PRESETS[checkPresetName(name, 'modelPresetBase: name')];
  if (preset.bottom === 'shared') return null;
  const isBase = (candidate: ModelPresetName) => {
    const args = MODEL_PRESETS[candidate];
    return args.bottom === 'shared' && args.head === preset.head && !args.singleTask;
  };
  return MODEL_PRESET_NAMES.find(isBase) ?? null;
}

/** Whether a preset trains one independent network per task (the negative-transfer reference). */
export function modelPresetIsSingleTask(name: string): boolean {
  return MODEL_PRESETS[checkPresetName(name, 'modelPresetIsSingleTask: name')].singleTask === true;
}

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
  const preset = MODEL_PRESETS[checkPresetName(name, 'modelPreset: name')];
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
