/** Running means of the losses between progress events, throughput and ETA. */
import type { ProgressEvent } from './events.js';

/** Seconds from a monotonic clock (browser and Node). */
export function nowSeconds(): number {
  return performance.now() / 1000;
}

export class ProgressMeter {
  private readonly lossSums: number[];
  private objectiveSum = 0;
  private steps = 0;
  private samples = 0;
  private stepSeconds = 0;
  private windowStart = nowSeconds();
  private readonly runStart = nowSeconds();
  private runSteps = 0;
  private runSamples = 0;
  private runStepSeconds = 0;

  constructor(taskCount: number) {
    this.lossSums = new Array<number>(taskCount).fill(0);
  }

  /** Records one step of `samples` rows that took `seconds`. */
  record(taskLosses: readonly number[], objective: number, samples: number, seconds: number): void {
    taskLosses.forEach((loss, task) => {
      this.lossSums[task]! += loss;
    });
    this.objectiveSum += objective;
    this.steps += 1;
    this.samples += samples;
    this.stepSeconds += seconds;
    this.runSteps += 1;
    this.runSamples += samples;
    this.runStepSeconds += seconds;
  }

  /** Builds an event from the steps since the previous one and starts a new window. */
  event(
    position: Omit<
      ProgressEvent,
      'lossPerTask' | 'loss' | 'samplesPerSecond' | 'etaSeconds' | 'elapsedSeconds'
    >,
  ): ProgressEvent {
    const now = nowSeconds();
    const windowSeconds = Math.max(now - this.windowStart, 1e-9);
    const elapsedSeconds = now - this.runStart;
    const secondsPerStep = this.runSteps > 0 ? elapsedSeconds / this.runSteps : 0;
    const event: ProgressEvent = {
      ...position,
      lossPerTask: this.lossSums.map((sum) => sum / Math.max(1, this.steps)),
      loss: this.objectiveSum / Math.max(1, this.steps),
      samplesPerSecond: this.samples / windowSeconds,
      etaSeconds: Math.max(0, position.totalSteps - position.step) * secondsPerStep,
      elapsedSeconds,
    };
    this.lossSums.fill(0);
    this.objectiveSum = 0;
    this.steps = 0;
    this.samples = 0;
    this.stepSeconds = 0;
    this.windowStart = now;
    return event;
  }

  /** Samples trained and seconds spent inside steps since the meter was created. */
  runTotals(): { readonly samples: number; readonly stepSeconds: number } {
    return { samples: this.runSamples, stepSeconds: this.runStepSeconds };
  }
}
