/**
 * DATA.md rule 1 for a synthetic comparison. On the control setting with the check's model
 * (Shared-Bottom) among the models, the check reads the comparison's own results. On any other
 * setting it runs a calibration: that model with the same size, generator knobs, split and training
 * budget on the control setting (first seed), because the rule is about whether this size and
 * budget can learn the sequence signal at all; a conflict setting's shortfall is what the
 * comparison measures.
 */
import { checkSeedData } from './check-data.js';
import type { ComparisonConfig } from './config.js';
import { describeEntries } from './degenerate.js';
import { meaningfulnessCheck, notApplicable } from './meaningfulness.js';
import type { ComparisonOptions, RunKey } from './options.js';
import type { MeaningfulnessCheck, ModelSummary, OracleSummary } from './results.js';
import { oracleAucs, summariseOracles } from './summarise.js';
import { trainOrKeep } from './train-preset.js';

export interface CheckInputs {
  readonly config: ComparisonConfig;
  readonly options: ComparisonOptions;
  readonly tasks: readonly string[];
  readonly summary: readonly ModelSummary[];
  readonly oracles: readonly OracleSummary[];
}

export interface CheckOutcome {
  /** Null when the calibration run was stopped. */
  readonly check: MeaningfulnessCheck | null;
  /** Seconds an earlier call spent on the calibration run (resume). */
  readonly earlierSeconds: number;
}

function ownRunCheck(inputs: CheckInputs, own: ModelSummary): MeaningfulnessCheck {
  const { config, tasks } = inputs;
  const leftOut = own.tasks.flatMap((task) =>
    (task.auc.degenerateSeeds ?? []).map((seed) => `${task.task} seed ${seed}`),
  );
  return meaningfulnessCheck(
    tasks,
    own.tasks.map((task) => task.auc.mean),
    inputs.oracles,
    config.check.threshold,
    'own-run',
    `control setting, ${own.model} of this comparison, mean over ${config.seeds} seed(s)${leftOut.length > 0 ? `; degenerate runs left out: ${leftOut.join(', ')}` : ''}`,
  );
}

export async function runMeaningfulnessCheck(inputs: CheckInputs): Promise<CheckOutcome> {
  const { config, options, tasks } = inputs;
  const { threshold, model } = config.check;
  const synthetic = options.data.synthetic;
  const skipped = (note: string): CheckOutcome => ({
    check: notApplicable(note, threshold),
    earlierSeconds: 0,
  });
  if (!synthetic) return skipped('real data: no oracle');
  if (!config.check.enabled) return skipped('disabled in the config (check.enabled: false)');
  if (!options.catalog.names.includes(model)) return skipped(`the model library has no "${model}" preset`);
  const own = inputs.summary.find((summary) => summary.model === model);
  if (synthetic.control && own) return { check: ownRunCheck(inputs, own), earlierSeconds: 0 };

  const seed = config.firstSeed;
  const data = await synthetic.loadControl(seed);
  await options.onEvent?.({ type: 'data', seed, data, calibration: true });
  for (const message of checkSeedData(data, config.training, `calibration, seed ${seed}`)) {
    await options.onEvent?.({ type: 'warning', message });
  }
  const run: RunKey = { model, seed, name: `calibration-${model}-control`, calibration: true };
  const trained = await trainOrKeep({ run, data, config, options }, false);
  if (!trained.record) return { check: null, earlierSeconds: trained.earlierSeconds };
  const degenerate = trained.record.degenerate ?? [];
  const check = meaningfulnessCheck(
    tasks,
    trained.record.test.map((task) => task.auc),
    summariseOracles([oracleAucs(data.test)]),
    threshold,
    'calibration',
    `${model} trained with this comparison's size, knobs and budget on the control setting, seed ${seed}${degenerate.length > 0 ? `; the calibration run is degenerate: ${describeEntries(degenerate)}` : ''}`,
  );
  return { check, earlierSeconds: trained.earlierSeconds };
}
