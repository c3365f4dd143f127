/**
 * The per-step training losses `metrics.jsonl` keeps for report.html's per-step curves: the
 * trainer's progress windows (10 steps each in dtrn's runs) merged into one entry per
 * `STEP_LOSS_EVERY` steps and one at each epoch's end, so a line stays small (about 100 bytes per
 * entry: 13 entries per epoch at 200,000 rows and batches of 256).
 */
import type { ProgressEvent } from '@dtrn/trainer';

/** Steps per `stepLosses` entry (fewer at an epoch's end). */
export const STEP_LOSS_EVERY = 50;

/** One entry of `stepLosses`: the mean losses of the steps since the previous entry. */
export interface StepLoss {
  /** Global step (from 1) the entry ends at. */
  readonly step: number;
  /** Mean balanced objective. */
  readonly loss: number;
  readonly lossPerTask: Readonly<Record<string, number>>;
}

/**
 * Merges the progress windows of one run's epoch into `StepLoss` entries. A short remainder at the
 * epoch's end (under half of `STEP_LOSS_EVERY` steps: the mean of a few batches, very noisy) joins
 * the entry before it.
 */
export class StepLossRecorder {
  private readonly done: StepLoss[] = [];
  /** Steps behind each entry of `done`. */
  private readonly doneSteps: number[] = [];
  private lossSums: number[] = [];
  private objectiveSum = 0;
  private steps = 0;
  private startStep: number | null = null;
  private lastStep: number | null = null;

  constructor(private readonly taskNames: readonly string[]) {}

  /** Adds one progress window (weighted by its steps; the first one of an epoch by the steps since the epoch began). */
  add(event: ProgressEvent): void {
    const previous = this.lastStep ?? event.step - event.batchIndex;
    const weight = Math.max(1, event.step - previous);
    this.startStep ??= previous;
    if (this.lossSums.length === 0) this.lossSums = event.lossPerTask.map(() => 0);
    event.lossPerTask.forEach((loss, k) => {
      this.lossSums[k] = (this.lossSums[k] ?? 0) + loss * weight;
    });
    this.objectiveSum += event.loss * weight;
    this.steps += weight;
    this.lastStep = event.step;
    if (event.step - this.startStep >= STEP_LOSS_EVERY || event.batchIndex === event.batchesPerEpoch) {
      this.flush(event.step);
    }
  }

  /** The entries of the epoch so far (a window left open at the end is closed). */
  take(): StepLoss[] {
    if (this.steps > 0 && this.lastStep !== null) this.flush(this.lastStep);
    this.doneSteps.splice(0);
    return this.done.splice(0);
  }

  private flush(step: number): void {
    const previous = this.done.length - 1;
    if (this.steps < STEP_LOSS_EVERY / 2 && previous >= 0) {
      // Fold the previous entry back into the sums, then write one entry for both.
      const steps = this.doneSteps[previous]!;
      const entry = this.done[previous]!;
      this.taskNames.forEach((task, k) => {
        this.lossSums[k] = (this.lossSums[k] ?? 0) + (entry.lossPerTask[task] ?? 0) * steps;
      });
      this.objectiveSum += entry.loss * steps;
      this.steps += steps;
      this.done.pop();
      this.doneSteps.pop();
    }
    this.doneSteps.push(this.steps);
    this.done.push({
      step,
      loss: this.objectiveSum / this.steps,
      lossPerTask: Object.fromEntries(
        this.taskNames.map((task, k) => [task, (this.lossSums[k] ?? 0) / this.steps]),
      ),
    });
    this.lossSums = [];
    this.objectiveSum = 0;
    this.steps = 0;
    this.startStep = null;
  }
}
