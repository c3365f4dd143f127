/**
 * `compareModels`: every model preset of a comparison on the same data with the same budget, over
 * N seeds. Per seed the data is loaded once, checked, and every model trains on identical splits
 * and is tested once. Then: mean ± std per model and task, each model's pooled bootstrap AUC
 * interval, each variant's pooled paired bootstrap gain over its base, oracle AUCs and DATA.md's
 * meaningfulness check on synthetic data. Degenerate runs are flagged and left out.
 *
 * It never picks a tfjs backend (the caller has) and leaves no tensors behind.
 */
import { checkComparisonModels, checkModelsFit, gainPairs, transferPairs } from './catalog.js';
import { checkSeedData } from './check-data.js';
import { runMeaningfulnessCheck } from './check-runner.js';
import { type ComparisonConfigInput, overridesFor, resolveComparisonConfig, seedsOf } from './config.js';
import { computeGains, degenerateExclusion, withAucIntervals } from './gains.js';
import { notApplicable } from './meaningfulness.js';
import type { ComparisonOptions, RunKey } from './options.js';
import type { ComparisonResults, ModelRun, OracleAuc } from './results.js';
import { type SeedScores, seedScores } from './sample-space.js';
import { oracleAucs, summariseModels, summariseOracles } from './summarise.js';
import { trainOrKeep } from './train-preset.js';

export interface ComparisonOutcome {
  /** Null when the comparison was stopped and `evaluateStopped` is off (resume continues it). */
  readonly results: ComparisonResults | null;
  /** True when the signal stopped it before every run finished. */
  readonly stopped: boolean;
  /** Training seconds of earlier calls: runs kept by `resume`, and training before a resumed checkpoint. */
  readonly earlierSeconds: number;
}

/** What the seed loop gathers. */
interface Gathered {
  readonly runs: ModelRun[];
  readonly oraclesPerSeed: OracleAuc[][];
  readonly scoresPerSeed: SeedScores[];
  tasks: readonly string[];
  earlierSeconds: number;
  stopped: boolean;
}

async function runSeeds(
  config: ReturnType<typeof resolveComparisonConfig>,
  options: ComparisonOptions,
): Promise<Gathered> {
  const gathered: Gathered = {
    runs: [],
    oraclesPerSeed: [],
    scoresPerSeed: [],
    tasks: [],
    earlierSeconds: 0,
    stopped: false,
  };
  const evaluateStopped = options.evaluateStopped ?? false;
  for (const seed of seedsOf(config)) {
    const data = await options.data.load(seed);
    await options.onEvent?.({ type: 'data', seed, data, calibration: false });
    for (const message of checkSeedData(data, config.training, `seed ${seed}`)) {
      await options.onEvent?.({ type: 'warning', message });
    }
    gathered.tasks = data.schema.tasks.map((task) => task.name);
    if (options.data.synthetic) gathered.oraclesPerSeed.push(oracleAucs(data.test));
    const models = config.models.map((name) => ({ name, overrides: overridesFor(config, name) }));
    checkModelsFit(options.catalog, models, data.schema, seed);
    const predictions = new Map<string, readonly Float32Array[]>();
    for (const model of config.models) {
      if (options.signal?.aborted) gathered.stopped = true;
      if (gathered.stopped) break;
      const run: RunKey = { model, seed, name: model, calibration: false };
      const outcome = await trainOrKeep({ run, data, config, options }, evaluateStopped);
      gathered.earlierSeconds += outcome.earlierSeconds;
      if (outcome.record && outcome.predictions) {
        gathered.runs.push(outcome.record);
        predictions.set(model, outcome.predictions);
      }
      if (!outcome.record || outcome.record.stoppedReason === 'aborted') gathered.stopped = true;
    }
    if (predictions.size > 0) gathered.scoresPerSeed.push(seedScores(data.test, predictions));
    if (gathered.stopped) break;
  }
  return gathered;
}

/** Runs a comparison (see the module comment). `input` is resolved strictly first. */
export async function compareModels(
  input: ComparisonConfigInput,
  options: ComparisonOptions,
): Promise<ComparisonOutcome> {
  const config = resolveComparisonConfig(input);
  checkComparisonModels(options.catalog, config);
  const gathered = await runSeeds(config, options);
  const { runs, scoresPerSeed, tasks } = gathered;
  const stoppedOutcome = (earlierSeconds: number): ComparisonOutcome => ({
    results: null,
    stopped: true,
    earlierSeconds,
  });
  if (gathered.stopped && !options.evaluateStopped) return stoppedOutcome(gathered.earlierSeconds);
  const seeds = seedsOf(config).slice(0, scoresPerSeed.length);
  const trained = config.models.filter((model) => runs.some((run) => run.model === model));
  const excluded = degenerateExclusion(runs, seeds);
  const summary = withAucIntervals(
    summariseModels(trained, tasks, runs),
    scoresPerSeed,
    config.bootstrap,
    config.firstSeed,
    excluded,
  );
  const oracles = summariseOracles(gathered.oraclesPerSeed);
  let earlierSeconds = gathered.earlierSeconds;
  let stopped = gathered.stopped;
  let check = notApplicable('the comparison was stopped', config.check.threshold);
  if (!stopped) {
    const outcome = await runMeaningfulnessCheck({ config, options, tasks, summary, oracles });
    earlierSeconds += outcome.earlierSeconds;
    if (outcome.check) check = outcome.check;
    else {
      // The calibration run was stopped: its checkpoint lets a later call resume.
      if (!options.evaluateStopped) return stoppedOutcome(earlierSeconds);
      stopped = true;
      check = notApplicable('stopped during the calibration run', config.check.threshold);
    }
  }
  const gainsOf = (
    pairs: readonly { readonly model: string; readonly base: string }[],
    stream: 'gain' | 'transfer',
  ) => computeGains(scoresPerSeed, pairs, tasks, config.bootstrap, config.firstSeed, seeds, excluded, stream);
  const transfer = transferPairs(trained, options.catalog);
  const results: ComparisonResults = {
    tasks,
    models: config.models,
    seeds,
    runs,
    summary,
    gains: gainsOf(gainPairs(trained, options.catalog), 'gain'),
    ...(transfer.length > 0 ? { transfer: gainsOf(transfer, 'transfer') } : {}),
    oracles,
    check,
  };
  return { results, stopped, earlierSeconds };
}
