/** The trainer's own part of a checkpoint (JSON) and its validation on resume. */
import { ConfigError } from '@dtrn/base';
import type { JsonValue } from './balancers/balancer.js';
import type { EarlyStoppingState } from './early-stopping.js';
import type { EpochRecord } from './events.js';

export const TRAINER_STATE_VERSION = 1;

export interface TrainerState {
  readonly version: number;
  /** Settings a resumed run must share with the run that wrote the checkpoint. */
  readonly fingerprint: {
    readonly taskNames: readonly string[];
    readonly seed: number;
    readonly batchesPerEpoch: number;
    readonly balancing: string;
    readonly monitor: string;
  };
  /** Next epoch to run (0-based) and the next batch in it. */
  readonly epoch: number;
  readonly batchIndex: number;
  readonly globalStep: number;
  /** Sums over the current epoch's finished steps (for its mean train loss). */
  readonly epochLossSums: readonly number[];
  readonly epochObjectiveSum: number;
  readonly epochSteps: number;
  readonly balancer: JsonValue;
  readonly earlyStopping: EarlyStoppingState;
  readonly history: readonly EpochRecord[];
  /** True once early stopping fired (a resumed run then only restores and returns). */
  readonly stoppedEarly: boolean;
}

/** Throws a ConfigError naming every setting that differs from the checkpoint's. */
export function checkFingerprint(
  saved: TrainerState,
  current: TrainerState['fingerprint'],
  where: string,
): void {
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
