/**
 * The data of a sweep (`dtrn sweep`): one comparison per value of a config key, gathered into test
 * AUC per model, task and value (the comparison's mean and standard deviation over seeds, and each
 * seed's AUC), for sweep.json, sweep.md and the sweep chart.
 */
import type { RunResults } from './results-file.js';

/** A swept value: a number (plotted on a numeric axis when every value is one) or a string. */
export type SweepValue = number | string;

/** One finished comparison of the sweep. */
export interface SweepPoint {
  readonly value: SweepValue;
  /** Its run directory, relative to the sweep directory. */
  readonly directory: string;
  readonly results: RunResults;
}

/** Test AUC of one model and task at one value; null where the comparison lacks the pair. */
export interface SweepCell {
  readonly mean: number | null;
  readonly std: number | null;
  readonly seeds: readonly { readonly seed: number; readonly auc: number }[];
}

export interface SweepTable {
  /** The config key swept, e.g. `data.correlation`. */
  readonly key: string;
  readonly values: readonly SweepValue[];
  /** Run directory of each value, relative to the sweep directory. */
  readonly directories: readonly string[];
  /** Wall-clock seconds of each value's comparison. */
  readonly seconds: readonly number[];
  /** Union over the comparisons, in order of first appearance. */
  readonly models: readonly string[];
  readonly tasks: readonly string[];
  /** cells[model][task][i]: the test AUC at values[i]. */
  readonly cells: Readonly<Record<string, Readonly<Record<string, readonly SweepCell[]>>>>;
}

function union(lists: readonly (readonly string[])[]): string[] {
  const seen: string[] = [];
  for (const list of lists) for (const item of list) if (!seen.includes(item)) seen.push(item);
  return seen;
}

function cellOf(results: RunResults, model: string, task: string): SweepCell {
  const summary = results.summary
    .find((entry) => entry.model === model)
    ?.tasks.find((entry) => entry.task === task);
  const seeds = results.runs.flatMap((run) => {
    if (run.model !== model) return [];
    const auc = run.test.find((metric) => metric.task === task)?.auc;
    return typeof auc === 'number' ? [{ seed: run.seed, auc }] : [];
  });
  return { mean: summary?.auc.mean ?? null, std: summary?.auc.std ?? null, seeds };
}

/**
 * The sweep's table from its finished comparisons: in ascending order of the value when every value
 * is a number (as the chart's axis runs), else in the order given.
 */
export function buildSweepTable(key: string, unordered: readonly SweepPoint[]): SweepTable {
  const points = unordered.every((point) => typeof point.value === 'number')
    ? [...unordered].sort((a, b) => (a.value as number) - (b.value as number))
    : unordered;
  const models = union(points.map((point) => point.results.models));
  const tasks = union(points.map((point) => point.results.tasks));
  const cells = Object.fromEntries(
    models.map((model) => [
      model,
      Object.fromEntries(
        tasks.map((task) => [task, points.map((point) => cellOf(point.results, model, task))]),
      ),
    ]),
  );
  return {
    key,
    values: points.map((point) => point.value),
    directories: points.map((point) => point.directory),
    seconds: points.map((point) => point.results.seconds),
    models,
    tasks,
    cells,
  };
}

/** `0.7932 ± 0.0021` (n/a for a missing cell; the mean alone for one seed). */
export function formatCell(cell: SweepCell): string {
  if (cell.mean === null) return 'n/a';
  return cell.std === null || cell.seeds.length < 2
    ? cell.mean.toFixed(4)
    : `${cell.mean.toFixed(4)} ± ${cell.std.toFixed(4)}`;
}

/** The table as Markdown: one table per task, a row per model, a column per value. */
export function formatSweepMarkdown(table: SweepTable): string {
  const lines: string[] = [];
  for (const task of table.tasks) {
    lines.push(`Test AUC of ${task} (mean ± std over seeds) by ${table.key}:`, '');
    lines.push(`| model | ${table.values.map(String).join(' | ')} |`);
    lines.push(`|---|${table.values.map(() => '---:').join('|')}|`);
    for (const model of table.models) {
      lines.push(`| ${model} | ${table.cells[model]![task]!.map(formatCell).join(' | ')} |`);
    }
    lines.push('');
  }
  const seconds = table.seconds.reduce((total, value) => total + value, 0);
  lines.push(`Wall time of the comparisons: ${(seconds / 60).toFixed(1)} min.`);
  return `${lines.join('\n')}\n`;
}
