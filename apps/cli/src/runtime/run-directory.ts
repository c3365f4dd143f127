/**
 * A run directory: resolved config, environment, per-epoch metrics, results, checkpoints and the
 * report. Every file is written atomically through @dtrn/core's FileStorage (temporary name, then
 * rename), so a reader (or a crash) never sees half a file. Every file is read through the checked
 * reader (inside the directory, regular, at most `MAX_RUN_FILE_BYTES`) and JSON strictly.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, DataError, describeJsonType, parseJson } from '@dtrn/base';
import { FileStorage } from '@dtrn/core/node';

/** Largest JSON or text file of a run directory read: 256 MiB (results and metrics are small). */
export const MAX_RUN_FILE_BYTES = 256 * 2 ** 20;

/**
 * Refuses a path that exists but is not a directory (`--out results.txt`), naming the flag, before
 * anything tries to create files under it.
 */
export async function checkDirectoryPath(path: string, flag: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') {
      throw new ConfigError(`${flag} ${path}: a parent of this path is a file`, {
        expected: 'a directory path',
      });
    }
    throw error;
  }
  if (!isDirectory) {
    throw new ConfigError(`${flag} ${path} is an existing file, not a directory`, {
      expected: 'a new or existing directory',
    });
  }
}

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

  /**
   * Reads a JSON object from the run directory (strict JSON: no duplicate keys; DataError naming
   * the file when it is empty, not JSON or not an object). `T` is not checked beyond that.
   */
  async readJson<T>(name: string): Promise<T> {
    const file = `${this.path}/${name}`;
    const value = parseJson(await this.storage.readText(name, { maxBytes: MAX_RUN_FILE_BYTES }), { file });
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new DataError(`expected a JSON object, found ${describeJsonType(value)}`, { where: { file } });
    }
    return value as T;
  }

  async exists(name: string): Promise<boolean> {
    return this.storage.exists(name);
  }

  /** Loads existing metric lines (a resumed run appends to them). */
  async loadMetrics(): Promise<void> {
    this.metricLines = (await this.storage.exists(RUN_FILES.metrics))
      ? (await this.storage.readText(RUN_FILES.metrics, { maxBytes: MAX_RUN_FILE_BYTES }))
          .split('\n')
          .filter((line) => line.trim() !== '')
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
