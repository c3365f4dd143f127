import { ConfigError, isConfigError, isDataError } from '@dtrn/base';
import { expectNoLeakedTensors } from '@dtrn/core/testing';
import { fit } from '@dtrn/trainer';
import { describe, expect, it } from 'vitest';
import { compareModels } from './compare-models.js';
import type { ComparisonConfigInput } from './config.js';
import type { ComparisonEvent, ComparisonOptions, RunTrainer, TrainRequest } from './options.js';
import { memoryStore, syntheticSource, tinyCatalog } from './testing/index.js';

/** Conversion on every row: the cascade leaves too few conversions in splits this small. */
const GENERATOR = { numSamples: 1000, sequenceLength: 4, taskMode: 'independent' } as const;

const CONFIG: ComparisonConfigInput = {
  models: ['shared-bottom', 'wide-shared-bottom'],
  seeds: 2,
  firstSeed: 3,
  training: { epochs: 2, batchSize: 64, learningRate: 0.01, patience: 1 },
  bootstrap: { resamples: 60 },
};

function options(
  overrides: Partial<ComparisonOptions> = {},
  events: ComparisonEvent[] = [],
): ComparisonOptions {
  return {
    catalog: tinyCatalog(),
    data: syntheticSource({ setting: 'control', generator: GENERATOR }),
    onEvent: (event) => {
      events.push(event);
    },
    ...overrides,
  };
}

const runsOf = (events: ComparisonEvent[], type: ComparisonEvent['type']) =>
  events.flatMap((event) =>
    event.type === type && 'run' in event ? [`${event.run.name}/${event.run.seed}`] : [],
  );

describe('compareModels', () => {
  it('trains every model on every seed and measures them, leaking no tensor', async () => {
    const events: ComparisonEvent[] = [];
    const outcome = await expectNoLeakedTensors(() => compareModels(CONFIG, options({}, events)), {
      label: 'compareModels',
    });
    const order = ['shared-bottom/3', 'wide-shared-bottom/3', 'shared-bottom/4', 'wide-shared-bottom/4'];
    expect(runsOf(events, 'run-start')).toEqual(order);
    expect(runsOf(events, 'run-done')).toEqual(order);
    expect(
      events.filter((event) => event.type === 'data').map((event) => event.type === 'data' && event.seed),
    ).toEqual([3, 4]);
    expect(outcome.stopped).toBe(false);
    const results = outcome.results!;
    expect(results.seeds).toEqual([3, 4]);
    expect(results.tasks).toEqual(['click', 'conversion']);
    expect(results.runs.map((run) => `${run.model}/${run.seed}`)).toEqual(order);
    for (const run of results.runs) {
      // Epochs are numbered from 1 in results (the trainer counts from 0).
      expect(run.history.map((epoch) => epoch.epoch)).toEqual([1, 2]);
      expect([1, 2]).toContain(run.bestEpoch);
      expect(run.history[run.bestEpoch! - 1]!.improved).toBe(true);
      expect(run.test.every((task) => task.auc !== null && task.auc > 0 && task.auc < 1)).toBe(true);
    }
    for (const model of results.summary) {
      for (const task of model.tasks) {
        expect(task.auc.n).toBe(2);
        expect(task.aucInterval!.lower).toBeLessThanOrEqual(task.aucInterval!.upper);
      }
    }
    // The gain is the mean over seeds of the paired AUC difference on each task's sample space.
    expect(results.gains.map((gain) => `${gain.model}/${gain.base}/${gain.task}`)).toEqual([
      'wide-shared-bottom/shared-bottom/click',
      'wide-shared-bottom/shared-bottom/conversion',
    ]);
    results.gains.forEach((gain, k) => {
      const auc = (model: string, seed: number) =>
        results.runs.find((run) => run.model === model && run.seed === seed)!.test[k]!.auc!;
      const perSeed = [3, 4].map((seed) => auc('wide-shared-bottom', seed) - auc('shared-bottom', seed));
      expect(gain.perSeed[0]).toBeCloseTo(perSeed[0]!, 10);
      expect(gain.perSeed[1]).toBeCloseTo(perSeed[1]!, 10);
      expect(gain.estimate).toBeCloseTo((perSeed[0]! + perSeed[1]!) / 2, 10);
      expect(gain.lower).toBeLessThanOrEqual(gain.upper);
    });
    expect(results.oracles.map((oracle) => oracle.kind)).toContain('oracle-sequence-only');
    for (const oracle of results.oracles) expect(oracle.auc.n).toBe(2);
    // Control data with Shared-Bottom among the models: the check reads this comparison's runs.
    expect(results.check).toMatchObject({ applicable: true, source: 'own-run' });
    const sharedBottom = results.summary[0]!;
    results.check.tasks.forEach((row, k) => {
      expect(row.modelAuc).toBe(sharedBottom.tasks[k]!.auc.mean);
      expect(row.recovered).toBeCloseTo((row.modelAuc - 0.5) / (row.sequenceOnlyOracleAuc - 0.5), 12);
    });
  });

  it('measures each multi-task model against the single-task models the catalog names', async () => {
    // shared-bottom plays the single-task reference: wide-shared-bottom's transfer is its AUC minus it.
    const catalog = { ...tinyCatalog(), isSingleTask: (name: string) => name === 'shared-bottom' };
    const { results } = await compareModels({ ...CONFIG, seeds: 1 }, options({ catalog }));
    const transfer = results!.transfer!;
    expect(transfer.map((gain) => `${gain.model}/${gain.base}/${gain.task}`)).toEqual([
      'wide-shared-bottom/shared-bottom/click',
      'wide-shared-bottom/shared-bottom/conversion',
    ]);
    transfer.forEach((gain, k) => {
      const auc = (model: string) => results!.runs.find((run) => run.model === model)!.test[k]!.auc!;
      expect(gain.perSeed).toHaveLength(1);
      expect(gain.estimate).toBeCloseTo(auc('wide-shared-bottom') - auc('shared-bottom'), 10);
      expect(gain.verdict).toBe(gain.lower > 0 ? 'win' : gain.upper < 0 ? 'loss' : 'tie');
    });
    // Its own bootstrap stream: the same pair as a gain gets the same estimate, other resamples.
    expect(results!.gains.map((gain) => gain.estimate)).toEqual(transfer.map((gain) => gain.estimate));
    expect(results!.gains.map((gain) => [gain.lower, gain.upper])).not.toEqual(
      transfer.map((gain) => [gain.lower, gain.upper]),
    );
    // A catalog that cannot say which models are single-task gives no transfer at all.
    const plain = await compareModels({ ...CONFIG, seeds: 1 }, options());
    expect(plain.results!.transfer).toBeUndefined();
  });

  it('stops with a checkpoint and resumes to the results of an uninterrupted run', async () => {
    const config = { ...CONFIG, seeds: 1 };
    const full = await compareModels(config, options({ store: memoryStore() }));
    const store = memoryStore();
    const controller = new AbortController();
    const first = await compareModels(
      config,
      options({
        store,
        signal: controller.signal,
        progressEverySteps: 1,
        onEvent: (event) => {
          if (
            event.type === 'progress' &&
            event.run.model === 'wide-shared-bottom' &&
            event.progress.step === 5
          )
            controller.abort();
        },
      }),
    );
    expect(first).toMatchObject({ results: null, stopped: true });
    expect([...store.runs.keys()]).toEqual(['shared-bottom/seed-3']);
    expect(await store.storage.list('checkpoints/wide-shared-bottom/seed-3')).toContain('latest.json');
    const events: ComparisonEvent[] = [];
    const resumed = await compareModels(config, options({ store, resume: true }, events));
    expect(runsOf(events, 'run-kept')).toEqual(['shared-bottom/3']);
    expect(runsOf(events, 'run-start')).toEqual(['wide-shared-bottom/3']);
    const numbers = (results: typeof full.results) => ({
      test: results!.runs.map((run) => run.test),
      history: results!.runs.map((run) => run.history),
      summary: results!.summary,
      gains: results!.gains,
      check: results!.check,
    });
    expect(numbers(resumed.results)).toEqual(numbers(full.results));
    expect(resumed.earlierSeconds).toBeGreaterThan(0);
  });

  it('evaluates a stopped model as it is with evaluateStopped, and skips the rest', async () => {
    const controller = new AbortController();
    const outcome = await compareModels(
      CONFIG,
      options({
        signal: controller.signal,
        evaluateStopped: true,
        onEvent: (event) => {
          if (event.type === 'progress') controller.abort();
        },
      }),
    );
    expect(outcome.stopped).toBe(true);
    const results = outcome.results!;
    expect(results.runs.map((run) => [run.model, run.seed, run.stoppedReason, run.steps])).toEqual([
      ['shared-bottom', 3, 'aborted', 10],
    ]);
    expect(results.seeds).toEqual([3]);
    expect(results.summary.map((model) => model.model)).toEqual(['shared-bottom']);
    expect(results.gains).toEqual([]);
    expect(results.check).toMatchObject({ applicable: false, note: 'the comparison was stopped' });
  });

  it('calibrates the check on the control setting when the data is another setting', async () => {
    const events: ComparisonEvent[] = [];
    const store = memoryStore();
    const outcome = await compareModels(
      { ...CONFIG, models: ['wide-shared-bottom'], seeds: 1 },
      options({ data: syntheticSource({ setting: 'gate-friendly', generator: GENERATOR }), store }, events),
    );
    const check = outcome.results!.check;
    expect(check).toMatchObject({ applicable: true, source: 'calibration' });
    expect(check.note).toBe(
      "shared-bottom trained with this comparison's size, knobs and budget on the control setting, seed 3",
    );
    expect(events.flatMap((event) => (event.type === 'data' ? [event.calibration] : []))).toEqual([
      false,
      true,
    ]);
    expect(runsOf(events, 'run-done')).toEqual([
      'wide-shared-bottom/3',
      'calibration-shared-bottom-control/3',
    ]);
    const calibration = store.runs.get('calibration-shared-bottom-control/seed-3')!.record;
    expect(check.tasks.map((row) => row.modelAuc)).toEqual(calibration.test.map((task) => task.auc));
  });

  it('reports no oracle and no check on data without oracles', async () => {
    const synthetic = syntheticSource({ setting: 'control', generator: GENERATOR });
    const outcome = await compareModels({ ...CONFIG, seeds: 1 }, options({ data: { load: synthetic.load } }));
    expect(outcome.results!.oracles).toEqual([]);
    expect(outcome.results!.check).toMatchObject({ applicable: false, note: 'real data: no oracle' });
  });

  it('validates at every progress event with validation "progress"', async () => {
    const events: ComparisonEvent[] = [];
    const outcome = await compareModels(
      {
        ...CONFIG,
        models: ['shared-bottom'],
        seeds: 1,
        training: { epochs: 1, batchSize: 64, patience: 0, validation: 'progress', maxSteps: 6 },
        check: { enabled: false },
      },
      options({ progressEverySteps: 3 }, events),
    );
    const points = events.flatMap((event) => (event.type === 'progress' ? [event] : []));
    expect(points.map((point) => point.progress.step)).toEqual([3, 6]);
    for (const point of points)
      expect(point.validation!.tasks.map((task) => task.task)).toEqual(['click', 'conversion']);
    const run = outcome.results!.runs[0]!;
    expect(run).toMatchObject({ steps: 6, stoppedReason: 'maxSteps', bestEpoch: null });
    expect(run.history).toEqual([]); // the step budget ended inside the first epoch
  });

  it("trains through the caller's trainer, which leaves the trained state in the engine's model", async () => {
    const single = { ...CONFIG, seeds: 1, check: { enabled: false } };
    const plain = await compareModels(single, options());
    // Like a trainer on worker threads: a second copy of the model trains, its state goes to `model`.
    const requests: TrainRequest[] = [];
    const trainer: RunTrainer = async (request) => {
      requests.push(request);
      const copy = tinyCatalog().create(request.run.model, request.schema, {
        seed: request.run.seed,
        overrides: request.overrides,
      });
      try {
        const result = await fit(copy, request.train, request.validation, request.fitOptions);
        request.model.setState(copy.getState());
        return result;
      } finally {
        copy.dispose();
      }
    };
    const delegated = await expectNoLeakedTensors(() => compareModels(single, options({ trainer })), {
      label: 'compareModels with a trainer',
    });
    expect(requests.map((request) => `${request.run.name}/${request.run.seed}`)).toEqual([
      'shared-bottom/3',
      'wide-shared-bottom/3',
    ]);
    expect(requests[0]!.fitOptions).toMatchObject({ epochs: 2, batchSize: 64, seed: 3 });
    expect(requests[0]!.validation).not.toBeNull();
    const numbers = (outcome: typeof plain) =>
      outcome.results!.runs.map((run) => [run.steps, run.test, run.history, run.bestEpoch]);
    expect(numbers(delegated)).toEqual(numbers(plain));
    expect(delegated.results!.gains).toEqual(plain.results!.gains);
  });

  it("checks every model's merged overrides (catalog.checkSettings) before any data is loaded", async () => {
    const checked: { name: string; overrides: Readonly<Record<string, unknown>> }[] = [];
    let loads = 0;
    const base = tinyCatalog();
    const catalog = {
      ...base,
      checkSettings(name: string, settings: { readonly overrides: Readonly<Record<string, unknown>> }) {
        checked.push({ name, overrides: settings.overrides });
        if ('hiddenUnit' in settings.overrides) {
          throw new ConfigError(`model "${name}": unknown key "hiddenUnit"; did you mean "hiddenUnits"?`);
        }
      },
    };
    const data = {
      load: async () => {
        loads += 1;
        throw new Error('data loaded');
      },
    };
    const run = compareModels(
      {
        ...CONFIG,
        modelOverrides: { width: 2 },
        perModel: { 'wide-shared-bottom': { hiddenUnit: 3 } },
      },
      { ...options(), catalog, data },
    );
    await expect(run).rejects.toThrow('model "wide-shared-bottom": unknown key "hiddenUnit"');
    expect(loads).toBe(0);
    expect(checked).toEqual([
      { name: 'shared-bottom', overrides: { width: 2 } },
      { name: 'wide-shared-bottom', overrides: { width: 2, hiddenUnit: 3 } },
    ]);
  });

  it('refuses unknown models and one-class training data before any model trains', async () => {
    const events: ComparisonEvent[] = [];
    const unknown = compareModels({ ...CONFIG, models: ['shared-botom'] }, options({}, events));
    await expect(unknown).rejects.toSatisfy(isConfigError);
    await expect(unknown).rejects.toThrow(
      'models[0]: unknown model "shared-botom"; did you mean "shared-bottom"?',
    );
    const synthetic = syntheticSource({ setting: 'control', generator: GENERATOR });
    const oneClass = compareModels(CONFIG, {
      ...options({}, events),
      data: {
        load: async (seed) => {
          const data = await synthetic.load(seed);
          return {
            ...data,
            train: { ...data.train, labels: [data.train.labels[0]!.map(() => 0), data.train.labels[1]!] },
          };
        },
      },
    });
    await expect(oneClass).rejects.toSatisfy(isDataError);
    await expect(oneClass).rejects.toThrow('train split (seed 3)');
    expect(events.some((event) => event.type === 'run-start')).toBe(false);
  });
});
