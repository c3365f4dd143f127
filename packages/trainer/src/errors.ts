/** Errors the trainer throws on purpose besides the shared ConfigError / DataError / ShapeError. */
import { DtrnError } from '@dtrn/base';

/** Where a non-finite loss appeared. */
export interface NonFiniteLossLocation {
  /** Global step (1-based: the step that produced the value). */
  readonly step: number;
  /** Epoch (0-based, an index into `FitResult.history`; the message counts from 1). */
  readonly epoch: number;
  /** Batch index inside the epoch (0-based; the message counts from 1). */
  readonly batchIndex: number;
  /** Name of the task whose loss is not finite. */
  readonly task: string;
  /** The loss value (NaN, Infinity or -Infinity). */
  readonly value: number;
}

/**
 * A task loss became NaN or infinite. Training stops before that step's update is applied, so the
 * model keeps the weights of the previous step (and the last checkpoint stays valid).
 */
export class NonFiniteLossError extends DtrnError {
  static override readonly kind: string = 'NonFiniteLossError';
  readonly location: NonFiniteLossLocation;

  constructor(location: NonFiniteLossLocation) {
    super(
      `training diverged: loss of task "${location.task}" is ${location.value} at step ${location.step} (epoch ${location.epoch + 1}, batch ${location.batchIndex + 1}); lower the learning rate, clip inputs, or check the data of that batch`,
      { expected: 'a finite loss', found: location.value },
    );
    this.location = location;
  }
}

/** True for a NonFiniteLossError from any copy of this package. */
export function isNonFiniteLossError(value: unknown): value is NonFiniteLossError {
  return value instanceof NonFiniteLossError;
}
