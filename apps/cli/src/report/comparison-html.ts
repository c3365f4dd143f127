/**
 * The side-by-side page of `dtrn report <run> <run> ...`: the runs, then per task their test AUC and
 * gains aligned by model (a dash where a run lacks the model or task), the checks, charts with one
 * series per run, the config keys that differ and each run's environment.
 */

import type { GainInterval } from '@dtrn/compare';
import {
  type AlignedGain,
  type AlignedRuns,
  alignRuns,
  buildComparisonChartData,
  presentRows,
} from './comparison-data.js';
import { COMPARISON_SCRIPT } from './comparison-script.js';
import { type Cell, environmentFacts, escapeHtml, jsonBlock, page, signed, table } from './html-parts.js';
import type { ReportRun } from './report-run.js';
import { formatMeanStd, transferVerdict } from './results-markdown.js';
import { formatSeedValues } from './seed-values.js';

const GAP = '—';

function runsTable(runs: readonly ReportRun[], aligned: AlignedRuns): string {
  return table(
    ['run', 'directory', 'kind: name', 'data', 'models', 'seeds', 'backend', 'written', 'seconds'],
    runs.map(({ results, directory }, r) => [
      aligned.labels[r]!,
      directory,
      `${results.kind}: ${results.name}`,
      results.data,
      results.models.join(', '),
      results.seeds.join(', '),
      results.backend.summary,
      results.createdAt,
      results.seconds.toFixed(0),
    ]),
    'facts',
  );
}

/** The rows (models or pairs) that at least one run has on this task, with their index. */
function present<T>(
  names: readonly T[],
  cells: readonly (readonly unknown[])[],
): { name: T; index: number }[] {
  return presentRows(cells).map((index) => ({ name: names[index]!, index }));
}

function aucTable(aligned: AlignedRuns, t: number): string {
  return table(
    ['test AUC', ...aligned.labels],
    present(aligned.models, aligned.summary[t]!).map(({ name: model, index: m }) => [
      model,
      ...aligned.summary[t]![m]!.map((cell, r): Cell => {
        const seeds = aligned.seedAuc[t]![m]![r];
        if (!cell) return GAP;
        const text = formatMeanStd(cell.auc);
        return seeds ? { text, detail: formatSeedValues(seeds, (value) => value.toFixed(4)) } : text;
      }),
    ]),
    'metrics',
  );
}

function gainsTable(aligned: AlignedRuns, t: number): string {
  if (present(aligned.pairs, aligned.gains[t]!).length === 0) {
    return '<p class="note">No run compared a DTRN variant with its base head on this task.</p>';
  }
  return pairTable(
    'gain: model vs base',
    aligned.pairs,
    aligned.gains[t]!,
    aligned.labels,
    (gain) => gain.verdict,
  );
}

/** Each multi-task model minus the single-task models, per run; nothing when no run has it. */
function transferTable(aligned: AlignedRuns, t: number): string {
  if (present(aligned.transferPairs, aligned.transfer[t]!).length === 0) return '';
  return pairTable(
    'transfer: model vs single-task',
    aligned.transferPairs,
    aligned.transfer[t]!,
    aligned.labels,
    transferVerdict,
  );
}

function pairTable(
  heading: string,
  pairs: readonly { model: string; base: string }[],
  rows: readonly (readonly (AlignedGain | null)[])[],
  labels: readonly string[],
  verdictOf: (gain: GainInterval) => string,
): string {
  return table(
    [heading, ...labels],
    present(pairs, rows).map(({ name: pair, index: p }) => [
      `${pair.model} vs ${pair.base}`,
      ...rows[p]!.map(
        (entry): Cell =>
          entry
            ? {
                text: `${signed(entry.gain.estimate)} [${signed(entry.gain.lower)}, ${signed(entry.gain.upper)}] ${verdictOf(entry.gain)}`,
                detail: formatSeedValues(entry.seeds, signed),
              }
            : GAP,
      ),
    ]),
    'gains',
  );
}

function checksTable(runs: readonly ReportRun[], aligned: AlignedRuns): string {
  return table(
    ['run', 'meaningfulness check'],
    runs.map(({ results }, r) => [
      aligned.labels[r]!,
      results.check.applicable
        ? `${results.check.passed ? 'PASSED' : 'FAILED'}: ${results.check.tasks.map((row) => `${row.task} ${(row.recovered * 100).toFixed(1)}%`).join(', ')} recovered (${(results.check.threshold * 100).toFixed(0)}% needed)`
        : `not applicable: ${results.check.note}`,
    ]),
    'facts',
  );
}

/** `data.generator.numSamples` → JSON text of each leaf of a config. */
function flatten(value: unknown, prefix: string, into: Map<string, string>): Map<string, string> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, prefix ? `${prefix}.${key}` : key, into);
  } else {
    into.set(prefix, JSON.stringify(value) ?? 'undefined');
  }
  return into;
}

/** Long values (column lists) cut for the table; the full configs follow it. */
function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function configDifferences(runs: readonly ReportRun[], aligned: AlignedRuns): string {
  const flat = runs.map((run) => (run.config ? flatten(run.config, '', new Map()) : null));
  const keys = [...new Set(flat.flatMap((entries) => (entries ? [...entries.keys()] : [])))];
  const differing = keys.filter((key) => new Set(flat.map((entries) => entries?.get(key) ?? GAP)).size > 1);
  const blocks = runs.map((run, r) =>
    run.config ? jsonBlock(`${aligned.labels[r]}: config.json`, run.config) : '',
  );
  const summary =
    differing.length === 0
      ? '<p class="note">The runs\' resolved configs do not differ.</p>'
      : table(
          ['config key', ...aligned.labels],
          differing.map((key) => [key, ...flat.map((entries) => shorten(entries?.get(key) ?? GAP))]),
          'facts',
        );
  return `${summary}\n${blocks.join('\n')}`;
}

function environmentTable(runs: readonly ReportRun[], aligned: AlignedRuns): string {
  const facts = runs.map((run) => new Map(environmentFacts(run.environment)));
  const labels = [...new Set(facts.flatMap((entries) => [...entries.keys()]))];
  if (labels.length === 0) return '<p class="note">No run has an environment.json.</p>';
  return table(
    ['', ...aligned.labels],
    labels.map((label) => [label, ...facts.map((entries) => entries.get(label) || GAP)]),
    'facts',
  );
}

export function renderComparisonHtml(runs: readonly ReportRun[]): string {
  const aligned = alignRuns(runs);
  const title = `dtrn report: ${aligned.labels.join(' vs ')}`;
  const perTask = aligned.tasks
    .map(
      (task, t) => `<h3>${escapeHtml(task)}</h3>
${aucTable(aligned, t)}
${gainsTable(aligned, t)}
${transferTable(aligned, t)}`,
    )
    .join('\n');
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="meta">${runs.length} runs aligned by model and task; ${GAP} where a run has no such model or task.</p>
<h2>Runs</h2>
${runsTable(runs, aligned)}
<h2>Test AUC and gains per task</h2>
<p class="note">AUC: mean ± std over seeds. Gains: AUC(variant) - AUC(base), paired bootstrap CI pooled over seeds, verdict, each seed (s0 = seed 0). Transfer (runs with single-task models): AUC(multi-task model) - AUC(single-task), the same way; NEGATIVE is negative transfer.</p>
${perTask}
<h2>Meaningfulness check</h2>
${checksTable(runs, aligned)}
<h2>Final test AUC</h2>
<div class="charts" id="final-auc"></div>
<h2>AUC gain over the base head</h2>
<div class="charts" id="gains"></div>
<h2>Training curves</h2>
<p class="note">Mean over seeds; colour: model, line style: run.</p>
<div class="charts" id="curves"></div>
<h2>Config differences</h2>
${configDifferences(runs, aligned)}
<h2>Environment</h2>
${environmentTable(runs, aligned)}`;
  return page(
    title,
    body,
    {
      'dtrn-runs': runs.map((run) => run.results),
      'dtrn-chart-data': buildComparisonChartData(runs, aligned),
    },
    COMPARISON_SCRIPT,
  );
}
