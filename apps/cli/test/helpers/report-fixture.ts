/**
 * Small run directories for report tests, in the files a run writes: results.json (version 2) with
 * known per-seed AUCs and gains, config.json, environment.json and metrics.jsonl with step losses.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A gain to record: model, base and the per-seed values per task index (CI: mean ± 0.01). */
export interface FixtureGain {
  readonly model: string;
  readonly base: string;
  readonly perSeed: readonly (readonly number[])[];
}

export interface FixtureRun {
  readonly name: string;
  readonly tasks: readonly string[];
  /** auc[model][seed index][task index]. */
  readonly auc: Readonly<Record<string, readonly (readonly number[])[]>>;
  readonly seeds: readonly number[];
  /** Gains to record: model, base and their per-seed values per task index. */
  readonly gains?: readonly FixtureGain[];
  /** Transfer over single-task models, in the same form. */
  readonly transfer?: readonly FixtureGain[];
  /** stepLosses per model and seed index: [step, loss of task 0, loss of task 1 ...] per epoch. */
  readonly steps?: Readonly<Record<string, readonly (readonly (readonly number[])[])[]>>;
  readonly config?: Record<string, unknown>;
  readonly environment?: Record<string, unknown>;
  readonly description?: string;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const meanStd = (values: readonly number[]) => ({ mean: mean(values), std: 0.01, n: values.length });

export function fixtureResults(run: FixtureRun) {
  const models = Object.keys(run.auc);
  return {
    format: 'dtrn-run-results',
    version: 2,
    kind: 'compare',
    name: run.name,
    description: run.description ?? `fixture ${run.name}`,
    data: 'synthetic control/tiny',
    createdAt: '2026-12-01T00:00:00.000Z',
    backend: { preference: 'wasm', selected: 'wasm', tfjsBackend: 'wasm', summary: 'wasm', attempts: [] },
    tasks: run.tasks,
    models,
    seeds: run.seeds,
    runs: models.flatMap((model) =>
      run.seeds.map((seed, s) => ({
        model,
        seed,
        test: run.tasks.map((task, k) => ({
          task,
          count: 100,
          positives: 30,
          auc: run.auc[model]![s]![k]!,
          gauc: null,
          logloss: 0.5,
        })),
        history: [1, 2].map((epoch) => ({
          epoch,
          steps: 4,
          trainLossPerTask: run.tasks.map(() => 0.7 - epoch / 10 - s / 100),
          validationAuc: run.tasks.map(() => 0.6 + epoch / 100 + s / 100),
          improved: true,
        })),
        bestEpoch: 2,
        stoppedReason: 'completed',
        steps: 8,
        seconds: 1,
        samplesPerSecond: 800,
        parameters: { dense: 100, embedding: 200 },
        inspection: null,
      })),
    ),
    summary: models.map((model) => ({
      model,
      tasks: run.tasks.map((task, k) => ({
        task,
        auc: meanStd(run.auc[model]!.map((seed) => seed[k]!)),
        gauc: { mean: null, std: null, n: 0 },
        logloss: meanStd([0.5]),
        aucInterval: { lower: 0.5, upper: 0.9, confidence: 0.95 },
      })),
    })),
    gains: fixtureGains(run, run.gains),
    ...(run.transfer ? { transfer: fixtureGains(run, run.transfer) } : {}),
    oracles: [],
    check: { applicable: false, note: 'fixture', threshold: 0.9, source: null, tasks: [], passed: null },
    seconds: 3,
  };
}

function fixtureGains(run: FixtureRun, gains: readonly FixtureGain[] = []) {
  return gains.flatMap((gain) =>
    run.tasks.map((task, k) => {
      const perSeed = gain.perSeed.map((seed) => seed[k]!);
      const [lower, upper] = [mean(perSeed) - 0.01, mean(perSeed) + 0.01];
      return {
        model: gain.model,
        base: gain.base,
        task,
        estimate: mean(perSeed),
        lower,
        upper,
        confidence: 0.95,
        probabilityPositive: 0.5,
        perSeed,
        verdict: lower > 0 ? 'win' : upper < 0 ? 'loss' : 'tie',
      };
    }),
  );
}

/** Writes the run directory `root/<name>` and returns its path. */
export function writeFixtureRun(root: string, run: FixtureRun): string {
  const directory = join(root, run.name);
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'results.json'), JSON.stringify(fixtureResults(run), null, 2));
  if (run.config) writeFileSync(join(directory, 'config.json'), JSON.stringify(run.config));
  if (run.environment) writeFileSync(join(directory, 'environment.json'), JSON.stringify(run.environment));
  const lines = Object.entries(run.steps ?? {}).flatMap(([model, seeds]) =>
    seeds.flatMap((epochs, s) =>
      epochs.map((windows, e) =>
        JSON.stringify({
          model,
          seed: run.seeds[s],
          epoch: e + 1,
          stepLosses: [windows].map(([step, ...losses]) => ({
            step,
            loss: mean(losses),
            lossPerTask: Object.fromEntries(run.tasks.map((task, k) => [task, losses[k]])),
          })),
        }),
      ),
    ),
  );
  if (lines.length > 0) writeFileSync(join(directory, 'metrics.jsonl'), `${lines.join('\n')}\n`);
  return directory;
}
