/**
 * A run directory: resolved config, environment, per-epoch metrics, results, checkpoints and the
 * report. Every file is written atomically through @dtrn/core's FileStorage (temporary name, then
 * rename), so a reader (or a crash) never sees half a file.
 */
import { resolve } from 'node:path';
import { FileStorage } from '@dtrn/core/node';

export const RUN_FILES = Object.freeze({
  config: 'config.json',
  environment: 'environment.json',
  metrics: 'metrics.jsonl',
  results: 'results.json',
  resultsMarkdown: 'results.md',
  report: 'report.html',
  checkpoints: 'checkpoints',
  /** `dtrn train`: the trained model as a saved-model directory (@dtrn/model format). */
  model: 'model',
});

export class RunDirectory {
  readonly path: string;
  readonly storage: FileStorage;
  private metricLines: string[] = [];

  constructor(path: string) {
    this.path = resolve(path);
    this.storage = new FileStorage(this.path);
  }

  async writeJson(name: string, value: unknown): Promise<void> {
    await this.storage.writeFile(name, `${JSON.stringify(value, null, 2)}\n`);
  }

  async writeText(name: string, text: string): Promise<void> {
    await this.storage.writeFile(name, text);
  }

  async readJson<T>(name: string): Promise<T> {
    return JSON.parse(await this.storage.readText(name)) as T;
  }

  async exists(name: string): Promise<boolean> {
    return this.storage.exists(name);
  }

  /** Loads existing metric lines (a resumed run appends to them). */
  async loadMetrics(): Promise<void> {
    this.metricLines = (await this.storage.exists(RUN_FILES.metrics))
      ? (await this.storage.readText(RUN_FILES.metrics)).split('\n').filter((line) => line.trim() !== '')
      : [];
  }

  /**
   * Appends one JSON record to `metrics.jsonl`. The whole file is rewritten atomically (it holds one
   * line per epoch per model: small), so it is never truncated mid-line.
   */
  async appendMetric(record: unknown): Promise<void> {
    this.metricLines.push(JSON.stringify(record));
    await this.storage.writeFile(RUN_FILES.metrics, `${this.metricLines.join('\n')}\n`);
  }

  /** Directory of one model's checkpoints, relative to the run directory. */
  checkpointDirectory(model: string, seed: number): string {
    return `${RUN_FILES.checkpoints}/${model}/seed-${seed}`;
  }
}
