/**
 * `dtrn sweep`: one comparison (`runCompare`) per value of a config key, one after the other in
 * this process, each in its own run directory `<out>/<key's last part>=<value>`; then the sweep's
 * table and chart over all of them (sweep.json, sweep.md, sweep.svg, sweep.html in `<out>`).
 * `--resume` continues an interrupted sweep: finished comparisons are kept, the current one resumes
 * from its checkpoints.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '@dtrn/base';
import type { CompareConfigInput } from '../config/run-configs.js';
import {
  buildSweepTable,
  formatSweepMarkdown,
  type SweepPoint,
  type SweepValue,
} from '../report/sweep-data.js';
import { renderSweepHtml } from '../report/sweep-html.js';
import { renderSweepSvg } from '../report/sweep-svg.js';
import { reporterOf } from '../runtime/progress.js';
import { checkDirectoryPath, RunDirectory } from '../runtime/run-directory.js';
import { resolveCompareConfig, runCompare } from './run-compare.js';
import type { TrainingRunOptions } from './run-options.js';

export const SWEEP_FILES = Object.freeze({
  json: 'sweep.json',
  markdown: 'sweep.md',
  svg: 'sweep.svg',
  html: 'sweep.html',
});

export interface RunSweepOptions extends TrainingRunOptions {
  /** The comparison every point starts from (a preset's config or a parsed file). */
  readonly config: CompareConfigInput;
  /** Dotted config key replaced per point, e.g. `data.correlation`. */
  readonly key: string;
  readonly values: readonly SweepValue[];
}

export interface SweepOutcome {
  /** The sweep's files, or null when a comparison was interrupted (`--resume` continues). */
  readonly files: Readonly<Record<keyof typeof SWEEP_FILES, string>> | null;
  readonly directory: string;
}

const KEY_PATTERN = /^[A-Za-z][\w-]*(\.[A-Za-z][\w-]*)*$/;

/** A copy of `config` with `key` (dotted) set to `value`; missing objects on the way are created. */
export function withKey(config: CompareConfigInput, key: string, value: SweepValue): CompareConfigInput {
  if (!KEY_PATTERN.test(key)) {
    throw new ConfigError(`--key "${key}" is not a dotted config key`, {
      expected: 'names joined by dots, e.g. data.correlation or training.learningRate',
      found: key,
    });
  }
  const copy = structuredClone(config) as Record<string, unknown>;
  const parts = key.split('.');
  let node = copy;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next !== undefined && (typeof next !== 'object' || next === null || Array.isArray(next))) {
      throw new ConfigError(`--key ${key}: ${part} is not an object in the config`, { found: next });
    }
    node[part] = next ?? {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
  return copy as CompareConfigInput;
}

/** `correlation=-0.5`: the directory of one point, named by the key's last part. */
export function pointDirectory(key: string, value: SweepValue): string {
  const name = `${key.split('.').pop()}=${String(value)}`;
  return name.replace(/[^\w.=+-]/g, '_');
}

function checkValues(key: string, values: readonly SweepValue[]): void {
  const directories = values.map((value) => pointDirectory(key, value));
  if (values.length === 0 || new Set(directories).size !== values.length) {
    throw new ConfigError('--values must list distinct values', {
      expected: 'a comma-separated list such as 1,0.5,0,-0.5',
      found: values.map(String).join(','),
    });
  }
}

async function checkFreshOrResumed(out: string, resume: boolean): Promise<void> {
  await checkDirectoryPath(out, '--out');
  if (resume || !existsSync(out)) return;
  if ((await readdir(out)).length > 0) {
    throw new ConfigError(`--out ${out} is not empty`, {
      expected: 'an empty or new directory, or --resume to continue the sweep in it',
    });
  }
}

export async function runSweep(options: RunSweepOptions): Promise<SweepOutcome> {
  const { key, values } = options;
  const progress = reporterOf(options.progress);
  checkValues(key, values);
  // Every point's config is checked before the first model trains.
  const configs = values.map((value, i) => {
    const config = withKey(options.config, key, value);
    try {
      resolveCompareConfig(config);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(`sweep ${key} = ${String(value)} (value ${i + 1}): ${error.message}`, {
        cause: error,
      });
    }
    return config;
  });
  await checkFreshOrResumed(options.out, options.resume ?? false);
  const sweep = new RunDirectory(options.out);
  const points: SweepPoint[] = [];
  for (const [i, value] of values.entries()) {
    const directory = pointDirectory(key, value);
    const out = join(sweep.path, directory);
    progress.info(`sweep ${key} = ${String(value)} (${i + 1} of ${values.length}): ${out}`);
    const outcome = await runCompare({
      ...options,
      out,
      config: configs[i]!,
      resume: (options.resume ?? false) && existsSync(out),
    });
    if (!outcome.results) return { files: null, directory: sweep.path };
    points.push({ value, directory, results: outcome.results });
  }
  const table = buildSweepTable(key, points);
  const command = options.command ?? 'runSweep';
  const name = String(configs[0]!.name ?? 'custom');
  await sweep.writeJson(SWEEP_FILES.json, { format: 'dtrn-sweep', version: 1, name, command, ...table });
  const markdown = formatSweepMarkdown(table);
  await sweep.writeText(SWEEP_FILES.markdown, `# dtrn sweep: ${name} over ${key}\n\n${markdown}`);
  await sweep.writeText(SWEEP_FILES.svg, `${renderSweepSvg(table)}\n`);
  const title = `dtrn sweep: ${name} over ${key}`;
  const description = String(configs[0]!.description ?? '');
  await sweep.writeText(SWEEP_FILES.html, renderSweepHtml(table, { title, description, command }));
  progress.result(`\n${markdown}`);
  const files = Object.fromEntries(
    Object.entries(SWEEP_FILES).map(([kind, file]) => [kind, join(sweep.path, file)]),
  ) as Record<keyof typeof SWEEP_FILES, string>;
  progress.info(`sweep directory: ${sweep.path} (${Object.values(SWEEP_FILES).join(', ')})`);
  return { files, directory: sweep.path };
}
