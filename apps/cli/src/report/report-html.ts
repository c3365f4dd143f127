/**
 * report.html: one static, self-contained file (Chart.js's UMD build and the data are inlined), so
 * it opens offline from any disk. Sections: the results table, loss and validation AUC curves,
 * final test AUC with CIs, AUC gains with CIs, TRM field weights, gate utilisation.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { degenerateHeadline } from '@dtrn/compare';
import { buildChartData } from './chart-data.js';
import { REPORT_SCRIPT } from './report-script.js';
import type { RunResults } from './results-file.js';
import { checkHeadline, formatMeanStd } from './results-markdown.js';

const require = createRequire(import.meta.url);

let chartJsSource: string | undefined;

/** The Chart.js UMD build from the installed package (read once). */
export function chartJsUmd(): string {
  if (chartJsSource === undefined) {
    const main = require.resolve('chart.js'); // .../chart.js/dist/chart.cjs
    chartJsSource = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
  }
  return chartJsSource;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(4)}`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], className = ''): string {
  const head = header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table class="${className}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

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
  return table(
    ['model', 'base', 'task', 'gain', 'CI', 'P(gain > 0)', 'verdict'],
    results.gains.map((gain) => [
      gain.model,
      gain.base,
      gain.task,
      signed(gain.estimate),
      `[${signed(gain.lower)}, ${signed(gain.upper)}]`,
      gain.probabilityPositive.toFixed(3),
      gain.excludedSeeds?.length
        ? `${gain.verdict} (degenerate seeds ${gain.excludedSeeds.join(', ')} left out)`
        : gain.verdict,
    ]),
    'gains',
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

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, Segoe UI, Roboto, sans-serif; margin: 24px auto; max-width: 1180px; padding: 0 16px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; } th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; } thead { background: #f4f4f4; }
.flag { background: #fde2e1; border: 1px solid #d62728; padding: 8px 12px; font-weight: 600; }
.pass { background: #e3f4e1; border: 1px solid #2ca02c; padding: 8px 12px; }
.note { color: #666; } .meta { color: #444; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
figure.chart { margin: 0; } figcaption { font-weight: 600; margin-bottom: 4px; } .chart-holder { position: relative; height: 300px; }
`;

export function renderReportHtml(results: RunResults): string {
  const headline = checkHeadline(results);
  const degenerate = degenerateHeadline(results);
  const title = `dtrn ${results.kind}: ${results.name}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}${results.check.passed === false || degenerate ? ' (FLAGGED)' : ''}</h1>
${results.description ? `<p>${escapeHtml(results.description)}</p>` : ''}
<p class="meta">Data: ${escapeHtml(results.data)} · seeds: ${escapeHtml(results.seeds.join(', '))} · backend: ${escapeHtml(results.backend.summary)} · ${escapeHtml(results.createdAt)} · ${results.seconds.toFixed(1)} s</p>
${headline ? `<p class="${results.check.passed ? 'pass' : 'flag'}">${escapeHtml(headline.replaceAll('**', ''))}</p>` : ''}
${degenerate ? `<p class="flag">${escapeHtml(degenerate.replaceAll('**', ''))}</p>` : ''}
<h2>Test metrics</h2>
<p class="note">Mean ± std over seeds; AUC on each task's sample space (conversion on clicked rows); CI: pooled bootstrap of the mean AUC.</p>
${metricsTable(results)}
<h2>AUC gain over the base head</h2>
${gainsTable(results)}
<div class="charts" id="gains"></div>
<h2>Meaningfulness check</h2>
${checkSection(results)}
<h2>Final test AUC</h2>
<div class="charts" id="final-auc"></div>
<h2>Training curves</h2>
<div class="charts" id="curves"></div>
<h2>TRM field weights</h2>
<div class="charts" id="field-weights"></div>
<h2>Expert gate utilisation</h2>
<div class="charts" id="gates"></div>
<script id="dtrn-results" type="application/json">${scriptJson(results)}</script>
<script id="dtrn-chart-data" type="application/json">${scriptJson(buildChartData(results))}</script>
<script>${chartJsUmd().replaceAll('</script', '<\\/script')}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
