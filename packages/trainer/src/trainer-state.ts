/** The trainer's own part of a checkpoint (JSON) and its validation on resume. */
import { ConfigError, DataError } from '@dtrn/base';
import type { JsonValue } from './balancers/balancer.js';
import type { EarlyStoppingState } from './early-stopping.js';
import type { EpochRecord } from './events.js';

export const TRAINER_STATE_VERSION = 1;

/**
 * The epoch loop's progress: where it is and the sums of the epoch under way. The loop keeps it as
 * one object (`LoopProgress`, epoch-loop-state.ts); a checkpoint saves it whole inside
 * `TrainerState` and a resume restores it whole.
 */
export interface EpochLoopProgress {
  /** Next epoch to run (0-based) and the next batch in it. */
  readonly epoch: number;
  readonly batchIndex: number;
  readonly globalStep: number;
  /** Sums over the current epoch's finished steps (for its mean train loss). */
  readonly epochLossSums: readonly number[];
  readonly epochObjectiveSum: number;
  readonly epochSteps: number;
  readonly earlyStopping: EarlyStoppingState;
  readonly history: readonly EpochRecord[];
  /** True once early stopping fired (a resumed run then only restores and returns). */
  readonly stoppedEarly: boolean;
}

/** Every key of `EpochLoopProgress` (checked against the interface at compile time). */
export const EPOCH_LOOP_PROGRESS_KEYS = [
  'epoch',
  'batchIndex',
  'globalStep',
  'epochLossSums',
  'epochObjectiveSum',
  'epochSteps',
  'earlyStopping',
  'history',
  'stoppedEarly',
] as const satisfies readonly (keyof EpochLoopProgress)[];

/** The trainer's part of a checkpoint (`trainer.json`): the loop's progress and what goes with it. */
export interface TrainerState extends EpochLoopProgress {
  readonly version: number;
  /** Settings a resumed run must share with the run that wrote the checkpoint. */
  readonly fingerprint: {
    readonly taskNames: readonly string[];
    readonly seed: number;
    readonly batchesPerEpoch: number;
    readonly balancing: string;
    readonly monitor: string;
  };
  readonly balancer: JsonValue;
  /** Time and samples of the run up to this checkpoint, over every segment (resumes add up). */
  readonly elapsed: ElapsedTime;
}

export interface ElapsedTime {
  /** Wall-clock seconds (validation and checkpoints included). */
  readonly seconds: number;
  /** Seconds inside training steps. */
  readonly stepSeconds: number;
  /** Training samples. */
  readonly samples: number;
}

export const NO_ELAPSED_TIME: ElapsedTime = Object.freeze({ seconds: 0, stepSeconds: 0, samples: 0 });

/**
 * Every key of `TrainerState`; a checkpoint's `trainer.json` with another key is refused. (The
 * compile-time check below fails when a field is added to the interface but not here.)
 */
export const TRAINER_STATE_KEYS = [
  'version',
  'fingerprint',
  ...EPOCH_LOOP_PROGRESS_KEYS,
  'balancer',
  'elapsed',
] as const satisfies readonly (keyof TrainerState)[];
/** `true` when `Keys` lists every key of `T`, else the keys it misses (so `= true` fails to compile). */
type EveryKeyListed<T, Keys extends readonly PropertyKey[]> = [Exclude<keyof T, Keys[number]>] extends [never]
  ? true
  : Exclude<keyof T, Keys[number]>;
const everyProgressKeyListed: EveryKeyListed<EpochLoopProgress, typeof EPOCH_LOOP_PROGRESS_KEYS> = true;
const everyKeyListed: EveryKeyListed<TrainerState, typeof TRAINER_STATE_KEYS> = true;
void [everyProgressKeyListed, everyKeyListed];

const FINGERPRINT_KEYS = ['taskNames', 'seed', 'batchesPerEpoch', 'balancing', 'monitor'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the structure of a checkpoint's trainer state (exact keys, own properties, types), so a
 * malformed `trainer.json` is a DataError naming the field, not a TypeError deep in the loop.
 */
export function validateTrainerState(raw: unknown, where: string): TrainerState {
  const fail = (field: string, expected: string, found: unknown): never => {
    throw new DataError(`${where}: the trainer state is invalid`, { where: { field }, expected, found });
  };
  if (!isRecord(raw)) return fail('(root)', 'an object', raw);
  const exact = (value: Record<string, unknown>, keys: readonly string[], field: string) => {
    for (const key of Object.keys(value)) if (!keys.includes(key)) fail(`${field}${key}`, 'no such key', key);
    for (const key of keys) if (!Object.hasOwn(value, key)) fail(`${field}${key}`, 'a value', undefined);
  };
  exact(raw, TRAINER_STATE_KEYS, '');
  const count = (value: unknown, field: string) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
      fail(field, 'an integer >= 0', value);
  };
  const finite = (value: unknown, field: string) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(field, 'a finite number', value);
  };
  for (const key of ['version', 'epoch', 'batchIndex', 'globalStep', 'epochSteps'] as const)
    count(raw[key], key);
  const fingerprint = raw.fingerprint;
  if (!isRecord(fingerprint)) return fail('fingerprint', 'an object', fingerprint);
  exact(fingerprint, FINGERPRINT_KEYS, 'fingerprint.');
  const { taskNames, seed, batchesPerEpoch, balancing, monitor } = fingerprint;
  if (!Array.isArray(taskNames) || !taskNames.every((name) => typeof name === 'string'))
    fail('fingerprint.taskNames', 'an array of strings', taskNames);
  count(seed, 'fingerprint.seed');
  count(batchesPerEpoch, 'fingerprint.batchesPerEpoch');
  if (typeof balancing !== 'string') fail('fingerprint.balancing', 'a string', balancing);
  if (typeof monitor !== 'string') fail('fingerprint.monitor', 'a string', monitor);
  const sums = raw.epochLossSums;
  if (!Array.isArray(sums) || sums.length !== (taskNames as unknown[]).length)
    fail('epochLossSums', 'one number per task', sums);
  (sums as unknown[]).forEach((value, k) => {
    if (typeof value !== 'number') fail(`epochLossSums[${k}]`, 'a number', value);
  });
  if (typeof raw.epochObjectiveSum !== 'number') fail('epochObjectiveSum', 'a number', raw.epochObjectiveSum);
  if (!isRecord(raw.earlyStopping)) fail('earlyStopping', 'an object', raw.earlyStopping);
  if (!Array.isArray(raw.history)) fail('history', 'an array', raw.history);
  if (typeof raw.stoppedEarly !== 'boolean') fail('stoppedEarly', 'true or false', raw.stoppedEarly);
  const elapsed = raw.elapsed;
  if (!isRecord(elapsed)) return fail('elapsed', 'an object', elapsed);
  exact(elapsed, ['seconds', 'stepSeconds', 'samples'], 'elapsed.');
  for (const key of ['seconds', 'stepSeconds', 'samples'] as const) {
    finite(elapsed[key], `elapsed.${key}`);
    if ((elapsed[key] as number) < 0) fail(`elapsed.${key}`, 'a number >= 0', elapsed[key]);
  }
  return raw as unknown as TrainerState;
}

/**
 * Validates the checkpoint's trainer state (DataError when malformed), then throws a ConfigError
 * naming every setting that differs from the checkpoint's.
 */
export function checkFingerprint(raw: unknown, current: TrainerState['fingerprint'], where: string): void {
  const saved = validateTrainerState(raw, where);
  if (saved.version !== TRAINER_STATE_VERSION) {
    throw new ConfigError(`${where}: unsupported trainer state version`, {
      expected: String(TRAINER_STATE_VERSION),
      found: saved.version,
    });
  }
  const differences: string[] = [];
  const a = saved.fingerprint;
  if (a.taskNames.join('\u0000') !== current.taskNames.join('\u0000'))
    differences.push(`taskNames ${JSON.stringify(a.taskNames)} vs ${JSON.stringify(current.taskNames)}`);
  if (a.seed !== current.seed) differences.push(`seed ${a.seed} vs ${current.seed}`);
  if (a.batchesPerEpoch !== current.batchesPerEpoch)
    differences.push(
      `batches per epoch ${a.batchesPerEpoch} vs ${current.batchesPerEpoch} (batchSize or data changed)`,
    );
  if (a.balancing !== current.balancing) differences.push(`balancing ${a.balancing} vs ${current.balancing}`);
  if (a.monitor !== current.monitor)
    differences.push(`early-stopping monitor ${a.monitor} vs ${current.monitor}`);
  if (differences.length > 0) {
    throw new ConfigError(`${where}: the checkpoint was written by a different setup`, {
      expected: 'the settings of the run that wrote the checkpoint',
      found: differences.join('; '),
    });
  }
}
