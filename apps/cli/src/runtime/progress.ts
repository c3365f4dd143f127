/**
 * Progress output. `bar`: a cli-progress bar on stderr (step, loss per task, samples/s, ETA);
 * `plain`: one line per progress event on stderr (non-TTY default); `quiet`: nothing but errors;
 * `jsonl`: one JSON object per event on stdout, for scripts. Epochs are numbered from 1 in every
 * mode (the trainer's events count from 0).
 */
import { aucUndefinedReason } from '@dtrn/metrics';
import { describeDegenerate, type EpochEndEvent, type ProgressEvent } from '@dtrn/trainer';
import cliProgress from 'cli-progress';

export const PROGRESS_MODES = ['auto', 'bar', 'plain', 'quiet', 'jsonl'] as const;
export type ProgressMode = (typeof PROGRESS_MODES)[number];

/** Where output goes (tests capture it). */
export interface OutputStreams {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
}

export const PROCESS_STREAMS: OutputStreams = { stdout: process.stdout, stderr: process.stderr };

export interface TrainingProgress {
  update(event: ProgressEvent): void;
  epochEnd(event: EpochEndEvent): void;
  done(summary: string): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  const pad = (value: number) => String(value).padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(rest)}` : `${minutes}:${pad(rest)}`;
}

function formatLosses(taskNames: readonly string[], losses: readonly number[]): string {
  return taskNames.map((task, k) => `${task} ${(losses[k] ?? Number.NaN).toFixed(4)}`).join(' ');
}

function formatValidation(event: EpochEndEvent): string {
  if (!event.validation) return '';
  const aucs = event.validation.tasks.map(
    (task) =>
      `${task.task} ${task.auc === null ? `n/a (${aucUndefinedReason(task) ?? 'undefined'})` : task.auc.toFixed(4)}`,
  );
  const degenerate = event.degenerateTasks ?? [];
  const flag = degenerate.length > 0 ? ` | DEGENERATE: ${describeDegenerate(degenerate)}` : '';
  return ` | val AUC ${aucs.join(' ')}${event.improved ? ' (best)' : ''}${flag}`;
}

export interface ScoringProgress {
  /** Records read so far. */
  update(rows: number): void;
  done(): void;
}

export class ProgressReporter {
  readonly mode: Exclude<ProgressMode, 'auto'>;
  private readonly streams: OutputStreams;

  constructor(mode: ProgressMode, streams: OutputStreams = PROCESS_STREAMS) {
    this.streams = streams;
    this.mode = mode === 'auto' ? (streams.stderr.isTTY ? 'bar' : 'plain') : mode;
  }

  /** A human message (stderr), or an `info` JSON line. */
  info(message: string): void {
    if (this.mode === 'quiet') return;
    if (this.mode === 'jsonl') this.json({ type: 'info', message });
    else this.streams.stderr.write(`${message}\n`);
  }

  /** A structured event: a JSON line in jsonl mode, nothing otherwise. */
  json(record: Record<string, unknown>): void {
    if (this.mode === 'jsonl')
      this.streams.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`);
  }

  /** Final human output (tables) on stdout; in jsonl mode it is left out (results are in a JSON line). */
  result(text: string): void {
    if (this.mode === 'bar' || this.mode === 'plain')
      this.streams.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Progress of one training run (`label` names model and seed). */
  training(label: string, taskNames: readonly string[]): TrainingProgress {
    if (this.mode === 'bar') return this.barProgress(label, taskNames);
    return {
      update: (event) => {
        if (this.mode === 'plain') {
          this.streams.stderr.write(
            `${label} step ${event.step}/${event.totalSteps} epoch ${event.epoch + 1}/${event.epochs} | loss ${formatLosses(taskNames, event.lossPerTask)} | ${Math.round(event.samplesPerSecond)} samples/s | ETA ${formatDuration(event.etaSeconds)}\n`,
          );
        }
        this.json({ type: 'progress', run: label, ...event, epoch: event.epoch + 1 });
      },
      epochEnd: (event) => {
        if (this.mode === 'plain') {
          this.streams.stderr.write(
            `${label} epoch ${event.epoch + 1}/${event.epochs} done | train loss ${formatLosses(taskNames, event.trainLossPerTask)}${formatValidation(event)}\n`,
          );
        }
        this.json({
          type: 'epoch',
          run: label,
          ...event,
          epoch: event.epoch + 1,
          bestEpoch: event.bestEpoch === null ? null : event.bestEpoch + 1,
        });
      },
      done: (summary) => {
        if (this.mode === 'plain') this.streams.stderr.write(`${label} ${summary}\n`);
        this.json({ type: 'run-done', run: label, summary });
      },
    };
  }

  /**
   * Progress of scoring rows (`total` when known in advance): a bar with rows and rows/s, a line
   * every 5 seconds (plain), or a `predict-progress` JSON line every second (jsonl).
   */
  scoring(label: string, total: number | undefined): ScoringProgress {
    const started = performance.now();
    const speed = (rows: number) => Math.round(rows / Math.max(1e-3, (performance.now() - started) / 1000));
    if (this.mode === 'bar') {
      const bar = new cliProgress.SingleBar(
        {
          format:
            total === undefined
              ? `${label} | {value} rows read | {speed} rows/s`
              : `${label} |{bar}| {value}/{total} rows | {speed} rows/s | ETA {eta_formatted}`,
          stream: this.streams.stderr as NodeJS.WritableStream,
          hideCursor: true,
          barsize: 24,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total ?? 0, 0, { speed: 0 });
      return {
        update: (rows) => bar.update(rows, { speed: speed(rows) }),
        done: () => bar.stop(),
      };
    }
    let last = started;
    const every = this.mode === 'plain' ? 5000 : 1000;
    const report = (rows: number) => {
      if (this.mode === 'plain') {
        this.streams.stderr.write(
          `${label}: ${rows}${total === undefined ? '' : `/${total}`} rows read, ${speed(rows)} rows/s\n`,
        );
      }
      this.json({ type: 'predict-progress', rows, total: total ?? null, rowsPerSecond: speed(rows) });
    };
    return {
      update: (rows) => {
        const now = performance.now();
        if (now - last < every) return;
        last = now;
        report(rows);
      },
      done: () => {},
    };
  }

  private barProgress(label: string, taskNames: readonly string[]): TrainingProgress {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} |{bar}| step {value}/{total} | {losses} | {speed} samples/s | ETA {etaText}`,
        stream: this.streams.stderr as NodeJS.WritableStream,
        hideCursor: true,
        clearOnComplete: false,
        barsize: 24,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    const payload = (event?: ProgressEvent) => ({
      losses: event ? `loss ${formatLosses(taskNames, event.lossPerTask)}` : 'loss -',
      speed: event ? Math.round(event.samplesPerSecond) : '-',
      etaText: event ? formatDuration(event.etaSeconds) : '?',
    });
    return {
      update: (event) => {
        if (!started) {
          bar.start(event.totalSteps, event.step, payload(event));
          started = true;
        } else {
          bar.setTotal(event.totalSteps);
          bar.update(event.step, payload(event));
        }
      },
      epochEnd: (event) => {
        if (started) bar.stop();
        started = false;
        this.streams.stderr.write(
          `${label} epoch ${event.epoch + 1}/${event.epochs} | train loss ${formatLosses(taskNames, event.trainLossPerTask)}${formatValidation(event)}\n`,
        );
      },
      done: (summary) => {
        if (started) bar.stop();
        started = false;
        this.streams.stderr.write(`${label} ${summary}\n`);
      },
    };
  }
}

/** The reporter a programmatic caller passed, or one for its mode (default `quiet`). */
export function reporterOf(progress: ProgressMode | ProgressReporter | undefined): ProgressReporter {
  return progress instanceof ProgressReporter ? progress : new ProgressReporter(progress ?? 'quiet');
}
