/**
 * report.html: one static, self-contained file (Chart.js's UMD build and the data are inlined), so
 * it opens offline from any disk. Sections: the results table and each seed's AUC, AUC gains with
 * CIs and per-seed values, the check, final test AUC with CIs and seed dots, loss and validation AUC
 * curves with seed bands, per-step loss, TRM field weights, gate utilisation, config and environment.
 */
import { degenerateHeadline, type GainInterval } from '@dtrn/compare';
import { buildChartData } from './chart-data.js';
import { escapeHtml, page, runSetupSection, signed, table } from './html-parts.js';
import type { ReportRun } from './report-run.js';
import { REPORT_SCRIPT } from './report-script.js';
import type { RunResults } from './results-file.js';
import { checkHeadline, formatMeanStd, transferVerdict } from './results-markdown.js';
import { formatSeedValues, gainSeeds } from './seed-values.js';

export { chartJsUmd } from './html-parts.js';

/** What a run directory adds to results.json (report-run.ts); every part may be missing. */
export type ReportExtras = Partial<Pick<ReportRun, 'config' | 'environment' | 'steps'>>;

function metricsTable(results: RunResults): string {
  const header = [
    'model',
    ...results.tasks.flatMap((task) => [`${task} AUC`, `${task} AUC CI`, `${task} GAUC`, `${task} logloss`]),
  ];
  const rows = results.summary.map((summary) => [
    summary.model,
    ...summary.tasks.flatMap((task) => [
      formatMeanStd(task.auc),
      task.aucInterval ? `[${task.aucInterval.lower.toFixed(4)}, ${task.aucInterval.upper.toFixed(4)}]` : '',
      formatMeanStd(task.gauc),
      formatMeanStd(task.logloss),
    ]),
  ]);
  const kinds = [...new Set(results.oracles.map((oracle) => oracle.kind))];
  for (const kind of kinds) {
    rows.push([
      kind,
      ...results.tasks.flatMap((task) => {
        const oracle = results.oracles.find((o) => o.task === task && o.kind === kind);
        return [oracle ? formatMeanStd(oracle.auc) : 'n/a', '', '', ''];
      }),
    ]);
  }
  return table(header, rows, 'metrics');
}

function gainsTable(results: RunResults): string {
  if (results.gains.length === 0)
    return '<p class="note">No DTRN variant was compared with its base head.</p>';
  return gainRows(results, results.gains, 'verdict', (gain) => gain.verdict, 'gains');
}

/** Each multi-task model minus the single-task models; nothing when no single-task model ran. */
function transferSection(results: RunResults): string {
  const transfer = results.transfer ?? [];
  if (transfer.length === 0) return '';
  const table = gainRows(results, transfer, 'transfer', transferVerdict, 'transfer');
  return `<h2>Transfer over single-task models</h2>
<p class="note">AUC of each multi-task model minus the single-task models, same paired bootstrap as the gains: a CI below 0 is negative transfer.</p>
${table}`;
}

function gainRows(
  results: RunResults,
  gains: readonly GainInterval[],
  verdictColumn: string,
  verdictOf: (gain: GainInterval) => string,
  id: string,
): string {
  return table(
    ['model', 'base', 'task', 'gain', 'CI', 'P(gain > 0)', 'per seed', verdictColumn],
    gains.map((gain) => [
      gain.model,
      gain.base,
      gain.task,
      signed(gain.estimate),
      `[${signed(gain.lower)}, ${signed(gain.upper)}]`,
      gain.probabilityPositive.toFixed(3),
      formatSeedValues(gainSeeds(results, gain), signed),
      gain.excludedSeeds?.length
        ? `${verdictOf(gain)} (degenerate seeds ${gain.excludedSeeds.join(', ')} left out)`
        : verdictOf(gain),
    ]),
    id,
  );
}

function checkSection(results: RunResults): string {
  const check = results.check;
  if (!check.applicable) return `<p class="note">Not applicable: ${escapeHtml(check.note)}.</p>`;
  const rows = check.tasks.map((row) => [
    row.task,
    row.modelAuc.toFixed(4),
    row.sequenceOnlyOracleAuc.toFixed(4),
    `${(row.recovered * 100).toFixed(1)}%`,
    row.passed ? 'yes' : 'NO',
  ]);
  return `<p class="${check.passed ? 'pass' : 'flag'}">${check.passed ? 'PASSED' : 'FAILED'}: Shared-Bottom must recover at least ${(check.threshold * 100).toFixed(0)}% of the sequence-only oracle's AUC gain over 0.5 on the control setting (${escapeHtml(check.note)}).</p>\n${table(['task', 'Shared-Bottom AUC', 'sequence-only oracle AUC', 'recovered', 'passed'], rows)}`;
}

/** Test AUC of each model, task and seed (the values behind the dots of the AUC chart). */
function perSeedTable(results: RunResults): string {
  const header = [
    'model',
    ...results.tasks.flatMap((task) => results.seeds.map((seed) => `${task} s${seed}`)),
  ];
  const rows = results.models.map((model) => [
    model,
    ...results.tasks.flatMap((task) =>
      results.seeds.map((seed) => {
        const run = results.runs.find((entry) => entry.model === model && entry.seed === seed);
        const auc = run?.test.find((entry) => entry.task === task)?.auc;
        return typeof auc === 'number' ? auc.toFixed(4) : run ? 'n/a' : '';
      }),
    ),
  ]);
  return `<details><summary>Test AUC per seed</summary>${table(header, rows, 'per-seed')}</details>`;
}

/** The body of a one-run report (headings, tables and the chart holders the script fills). */
function reportBody(results: RunResults, extras: ReportExtras, title: string): string {
  const headline = checkHeadline(results);
  const degenerate = degenerateHeadline(results);
  return `<h1>${escapeHtml(title)}${results.check.passed === false || degenerate ? ' (FLAGGED)' : ''}</h1>
${results.description ? `<p>${escapeHtml(results.description)}</p>` : ''}
<p class="meta">Data: ${escapeHtml(results.data)} · seeds: ${escapeHtml(results.seeds.join(', '))} · backend: ${escapeHtml(results.backend.summary)} · ${escapeHtml(results.createdAt)} · ${results.seconds.toFixed(1)} s</p>
${headline ? `<p class="${results.check.passed ? 'pass' : 'flag'}">${escapeHtml(headline.replaceAll('**', ''))}</p>` : ''}
${degenerate ? `<p class="flag">${escapeHtml(degenerate.replaceAll('**', ''))}</p>` : ''}
<h2>Test metrics</h2>
<p class="note">Mean ± std over seeds; AUC on each task's sample space (conversion on clicked rows); CI: pooled bootstrap of the mean AUC.</p>
${metricsTable(results)}
${perSeedTable(results)}
<h2>AUC gain over the base head</h2>
<p class="note">Per seed: AUC(variant) - AUC(base) on that seed's test rows (s0 = seed 0).</p>
${gainsTable(results)}
<div class="charts" id="gains"></div>
${transferSection(results)}
<h2>Meaningfulness check</h2>
${checkSection(results)}
<h2>Final test AUC</h2>
<div class="charts" id="final-auc"></div>
<h2>Training curves</h2>
<div class="charts" id="curves"></div>
<h2>Training loss per step</h2>
<p class="note">Each point: the mean loss of the steps since the previous point (one per 50 steps and at each epoch's end); seeds interpolated onto the same steps.</p>
<div class="charts" id="steps"></div>
<h2>TRM field weights</h2>
<div class="charts" id="field-weights"></div>
<h2>Expert gate utilisation</h2>
<div class="charts" id="gates"></div>
<h2>Config and environment</h2>
${runSetupSection(extras.config ?? null, extras.environment ?? null)}`;
}

/**
 * The report of one run; `extras` (from the run directory: config, environment, step losses) adds
 * the per-step curves and the config and environment section.
 */
export function renderReportHtml(results: RunResults, extras: ReportExtras = {}): string {
  const title = `dtrn ${results.kind}: ${results.name}`;
  return page(
    title,
    reportBody(results, extras, title),
    { 'dtrn-results': results, 'dtrn-chart-data': buildChartData(results, extras.steps ?? []) },
    REPORT_SCRIPT,
  );
}
