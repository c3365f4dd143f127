/**
 * Named comparisons for `dtrn compare --preset <name>` (and the data/training part of
 * `dtrn train --preset <name>`). Measured run times are in the app README.
 */
import { ConfigError, closestMatch } from '@dtrn/base';
import type { SyntheticSetting } from '@dtrn/datasets';
import { type HeadScale, MODEL_PRESET_NAMES, modelPresetHead } from '@dtrn/model';
import { CENSUS_INCOME_GROUP_1, CENSUS_INCOME_GROUP_2 } from './census-income.js';
import { MMOE_CORRELATION_HEADS, mmoeCorrelationSettings } from './mmoe-correlation.js';
import type { CompareConfigInput } from './run-configs.js';

/** The baselines, DTRN on each head and the two ablations (MODEL-SPEC). */
export const FULL_MODEL_SET = [
  'shared-bottom',
  'mmoe',
  'ple',
  'dtrn-shared-bottom',
  'dtrn-mmoe',
  'dtrn-ple',
  'dtrn-ple-no-tim',
  'dtrn-ple-no-trm',
] as const;

/** DATA.md rule 2: at least 8 dimensions per sequence side field; d = 40 gives the 4 side fields 8 each. */
const DEMO_MODEL = { embeddingDim: 40 };

/**
 * How a preset sizes the heads of its models: one scale that every head's family turns into its
 * own size arguments, or sizes by head name (a published configuration). Either way the head of
 * a model comes from the head registry (via @dtrn/model), so a new head needs no edit here.
 */
type PresetHeads =
  | { readonly scale: HeadScale }
  | { readonly byHead: Readonly<Record<string, Record<string, unknown>>> };

/** How each preset sizes its heads, by preset name (filled as the presets below are built). */
const PRESET_HEADS = new Map<string, PresetHeads>();

/** The head args of `model` under `heads`; none for a name that is no model preset (validation names it). */
function headArgsOf(model: string, heads: PresetHeads): Record<string, unknown> | undefined {
  if (!(MODEL_PRESET_NAMES as readonly string[]).includes(model)) return undefined;
  const head = modelPresetHead(model);
  return 'scale' in heads ? head.family.sizesAt(heads.scale) : heads.byHead[head.name];
}

function headSizes(models: readonly string[], heads: PresetHeads): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    models.flatMap((model) => {
      const headArgs = headArgsOf(model, heads);
      return headArgs ? [[model, { headArgs: structuredClone(headArgs) }] as const] : [];
    }),
  );
}

/** The `perModel` of preset `name`: each model's head sizes under `heads`. */
function presetHeadSizes(name: string, models: readonly string[], heads: PresetHeads) {
  PRESET_HEADS.set(name, heads);
  return headSizes(models, heads);
}

/**
 * The preset with another model list (`--models`): every model gets the preset's head sizes for
 * its head (at the preset's scale, or the preset's sizes for that head), so a model added by the
 * flag keeps the comparable-budget rule instead of taking its preset defaults.
 */
export function withModels(preset: CompareConfigInput, models: readonly string[]): CompareConfigInput {
  const heads = preset.name === undefined ? undefined : PRESET_HEADS.get(preset.name);
  if (!preset.perModel || !heads) return { ...preset, models: [...models] };
  return { ...preset, models: [...models], perModel: headSizes(models, heads) };
}

/** The small heads of the CI smoke test: experts [16] (bottoms [32]), towers [8]. */
const TINY_SCALE: HeadScale = { expertUnits: [16], towerUnits: [8] };
/** The measured reproduction size: experts [64, 32] (bottoms [128, 64]), towers [32]. */
const REPRODUCTION_SCALE: HeadScale = { expertUnits: [64, 32], towerUnits: [32] };

const TINY_MODELS = ['shared-bottom', 'ple', 'dtrn-ple'];

/**
 * The reproduction size, found by measurement (docs/results/probes.md): the smallest configuration
 * we found at which a plain Shared-Bottom passes DATA.md's meaningfulness check on the control
 * setting in minutes per model on a 2-core machine. Generator knobs over the `small` size:
 * 50,000 rows, 2,000 users (25 rows per user), 300 items, sequences of 10, 8 categories with 2-3
 * brands each (rule 2: small match vocabularies), conversion labelled on every row (`independent`:
 * the cascade leaves ~500 conversions in 10k clicked training rows, which overfit at once).
 */
export const REPRODUCTION_GENERATOR = Object.freeze({
  numSamples: 50_000,
  numUsers: 2_000,
  numItems: 300,
  sequenceLength: 10,
  numCategories: 8,
  minBrandsPerCategory: 2,
  maxBrandsPerCategory: 3,
  taskMode: 'independent',
});

/** Shared-Bottom (the check's model and rule 6's reference), PLE, and DTRN on the PLE head. */
export const REPRODUCTION_MODELS = ['shared-bottom', 'ple', 'dtrn-ple'] as const;

/** The first run: Shared-Bottom (the check's model) and DTRN on the same Shared-Bottom head. */
const QUICK_MODELS = ['shared-bottom', 'dtrn-shared-bottom'];

/**
 * The README's first run, sized by measurement (docs/results/quick-preset.md) to pass DATA.md's
 * meaningfulness check in about 3 minutes of CPU: the control setting (tasks that agree, so the
 * check reads the comparison's own Shared-Bottom and needs no calibration run) in the reproduction
 * world at 60,000 rows, one seed, two epochs at the reproduction's learning rate 5e-3, two models.
 */
const QUICK_PRESET: CompareConfigInput = {
  name: 'quick',
  description:
    'The first run (about 3 minutes of CPU): the control setting in the reproduction world at 60,000 rows, one seed, two epochs; Shared-Bottom against DTRN on the same head, with the meaningfulness check.',
  data: {
    kind: 'synthetic',
    setting: 'control',
    size: 'small',
    generator: { ...REPRODUCTION_GENERATOR, numSamples: 60_000, numUsers: 2_400 },
  },
  models: QUICK_MODELS,
  seeds: 1,
  training: { epochs: 2, batchSize: 256, learningRate: 0.005, patience: 0 },
  modelOverrides: {
    embeddingDim: 24,
    encoder: { feedForwardDim: 48 },
    embeddings: { optimizer: { kind: 'adam', learningRate: 0.005 } },
  },
  perModel: presetHeadSizes('quick', QUICK_MODELS, { scale: REPRODUCTION_SCALE }),
  bootstrap: { resamples: 1000 },
};

/**
 * One setting of the reproduction at the measured size: d = 24 (4 dims per side field, enough for
 * 8 categories, 2-3 brands, 5 price and 4 age buckets), dense and embedding learning rate 5e-3,
 * small heads, early stopping on validation mean AUC (best weights restored).
 */
function reproductionPreset(setting: SyntheticSetting): CompareConfigInput {
  const models = [...REPRODUCTION_MODELS];
  return {
    name: setting,
    description: `The ${setting} setting at the reproduction size (50k rows, sequences of 10; docs/results): Shared-Bottom, PLE and DTRN-PLE, early stopping on validation mean AUC.`,
    data: { kind: 'synthetic', setting, size: 'small', generator: { ...REPRODUCTION_GENERATOR } },
    models,
    seeds: 5, // DATA.md rule 5: at least 5 seeds
    training: { epochs: 8, batchSize: 256, learningRate: 0.005, patience: 2 },
    modelOverrides: {
      embeddingDim: 24,
      encoder: { feedForwardDim: 48 },
      embeddings: { optimizer: { kind: 'adam', learningRate: 0.005 } },
    },
    perModel: presetHeadSizes(setting, models, { scale: REPRODUCTION_SCALE }),
    bootstrap: { resamples: 1000 },
  };
}

function demoPreset(setting: SyntheticSetting): CompareConfigInput {
  return {
    name: `${setting}-demo`,
    description: `The ${setting} setting at demo size (500k rows): every model preset, early stopping on validation mean AUC.`,
    data: { kind: 'synthetic', setting, size: 'demo' },
    models: [...FULL_MODEL_SET],
    seeds: 5, // DATA.md rule 5: at least 5 seeds
    training: { epochs: 8, batchSize: 2048, learningRate: 0.002, patience: 2, checkpointEverySteps: 500 },
    modelOverrides: DEMO_MODEL,
  };
}

function realDataPreset(kind: 'otto' | 'ali-ccp' | 'aliexpress', description: string): CompareConfigInput {
  return {
    name: kind,
    description,
    data: { kind, path: '' },
    models: kind === 'aliexpress' ? ['shared-bottom', 'mmoe', 'ple'] : [...FULL_MODEL_SET],
    seeds: 3,
    training: { epochs: 5, batchSize: 2048, learningRate: 0.001, patience: 1, checkpointEverySteps: 1000 },
    modelOverrides: { embeddingDim: 32 },
  };
}

/**
 * The heads, and TRM without TIM on each: for data without behaviour sequences (no TIM), such as
 * census and the MMoE generator.
 */
export const HEADS_AND_TRM_MODELS = [
  'shared-bottom',
  'mmoe',
  'ple',
  'dtrn-shared-bottom-no-tim',
  'dtrn-mmoe-no-tim',
  'dtrn-ple-no-tim',
] as const;
export const CENSUS_INCOME_MODELS = HEADS_AND_TRM_MODELS;

/**
 * torch-rechub's census sizes (examples/ranking/run_census.py): Shared-Bottom [117] (its dense
 * budget close to MMoE's), MMoE 8 experts [16], PLE one level of 2 task-specific and 1 shared
 * experts [16], towers [8]; DTRN without TIM takes its head's sizes.
 */
const CENSUS_INCOME_HEADS: Readonly<Record<string, Record<string, unknown>>> = {
  'shared-bottom': { bottomUnits: [117], towerUnits: [8] },
  mmoe: { numExperts: 8, expertUnits: [16], towerUnits: [8] },
  ple: { numLevels: 1, numTaskExperts: 2, numSharedExperts: 1, expertUnits: [16], towerUnits: [8] },
};

/**
 * A Census-Income comparison (docs/results/census-income.md): `--data` is the raw UCI file (the
 * table is prepared into the run) or a directory `dtrn prepare table` wrote from the same config.
 * As torch-rechub: embedding 4 per categorical field, batch 1024, Adam 1e-3 (dense weights and
 * embedding rows). Ours: up to 50 epochs (Shared-Bottom's validation AUC still rose after 35 at
 * 1e-3), early stopping after 5 epochs without a better worst-task validation AUC (`minAuc`: a
 * dead task cannot hide behind the other), best weights restored.
 */
function censusIncomePreset(name: string, table: Readonly<Record<string, unknown>>, tasks: string) {
  const models = [...CENSUS_INCOME_MODELS];
  return {
    name,
    description: `UCI Census-Income (KDD), ${tasks}, at torch-rechub's sizes; the heads and DTRN without TIM on each. --data: the raw census file (census-income.test.gz) or its prepared directory.`,
    data: { kind: 'table', config: structuredClone(table) as Record<string, unknown>, path: '' },
    models,
    seeds: 5,
    training: { epochs: 50, batchSize: 1024, learningRate: 0.001, patience: 5, monitor: 'minAuc' },
    modelOverrides: {
      embeddingDim: 4,
      embeddings: { optimizer: { kind: 'adam', learningRate: 0.001 } },
    },
    perModel: presetHeadSizes(name, models, { byHead: CENSUS_INCOME_HEADS }),
    bootstrap: { resamples: 1000 },
  } satisfies CompareConfigInput;
}

/** The MMoE paper's synthetic data at one correlation (mmoe-correlation.ts), the heads and TRM on each. */
function mmoeCorrelationPreset(): CompareConfigInput {
  const settings = mmoeCorrelationSettings();
  const models = [...HEADS_AND_TRM_MODELS];
  const heads = { byHead: MMOE_CORRELATION_HEADS };
  return { ...settings, models, perModel: presetHeadSizes(settings.name, models, heads) };
}

export const COMPARE_PRESETS: Readonly<Record<string, CompareConfigInput>> = Object.freeze({
  tiny: {
    name: 'tiny',
    description:
      'CI smoke test: tiny synthetic data, short sequences, small models, two epochs. Shows the pipeline, not a result.',
    data: {
      kind: 'synthetic',
      setting: 'control',
      size: 'tiny',
      generator: { sequenceLength: 10, numSamples: 2000 },
    },
    models: TINY_MODELS,
    seeds: 2,
    training: { epochs: 2, batchSize: 256, learningRate: 0.005, patience: 0 },
    modelOverrides: { embeddingDim: 10, encoder: { feedForwardDim: 16 } },
    perModel: presetHeadSizes('tiny', TINY_MODELS, { scale: TINY_SCALE }),
    bootstrap: { resamples: 200 },
  },
  quick: QUICK_PRESET,
  control: reproductionPreset('control'),
  'full-conflict': reproductionPreset('full-conflict'),
  'sequence-conflict': reproductionPreset('sequence-conflict'),
  'gate-friendly': reproductionPreset('gate-friendly'),
  'control-demo': demoPreset('control'),
  'full-conflict-demo': demoPreset('full-conflict'),
  'sequence-conflict-demo': demoPreset('sequence-conflict'),
  'gate-friendly-demo': demoPreset('gate-friendly'),
  otto: realDataPreset(
    'otto',
    'OTTO sessions (your downloaded JSON-lines file): click, cart and order, three behavior sequences.',
  ),
  'ali-ccp': realDataPreset(
    'ali-ccp',
    'Ali-CCP (your downloaded Tianchi files): click and conversion on clicks.',
  ),
  aliexpress: realDataPreset(
    'aliexpress',
    'AliExpress, one country (your downloaded files): click and conversion; no sequences, so only the heads are compared.',
  ),
  'census-income': censusIncomePreset(
    'census-income',
    CENSUS_INCOME_GROUP_1,
    "the MMoE paper's task group 1 (income > 50k, never married)",
  ),
  'census-income-group2': censusIncomePreset(
    'census-income-group2',
    CENSUS_INCOME_GROUP_2,
    "the MMoE paper's task group 2 (a college degree, never married)",
  ),
  'mmoe-correlation': mmoeCorrelationPreset(),
});

export const COMPARE_PRESET_NAMES = Object.keys(COMPARE_PRESETS);

export function comparePreset(name: string): CompareConfigInput {
  const preset = COMPARE_PRESETS[name];
  if (preset) return structuredClone(preset);
  const closest = closestMatch(name, COMPARE_PRESET_NAMES);
  throw new ConfigError(
    `--preset: unknown preset "${name}"${closest ? `; did you mean "${closest}"?` : ''}`,
    {
      expected: `one of ${COMPARE_PRESET_NAMES.join(', ')}`,
    },
  );
}
