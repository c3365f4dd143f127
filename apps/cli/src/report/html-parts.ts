/**
 * Pieces every report page shares: escaping (every string from a run's files is escaped; JSON goes
 * into `<script type="application/json">` with `<` escaped), tables, the style sheet, the page shell
 * with Chart.js inlined, and the resolved config and environment of a run.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SCRIPT_COMMON } from './script-common.js';

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

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** JSON safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

export function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(4)}`;
}

/** A table cell: text, or text with a second, smaller line (e.g. each seed's value). */
export type Cell = string | { readonly text: string; readonly detail: string };

function cellHtml(cell: Cell): string {
  if (typeof cell === 'string') return escapeHtml(cell);
  return `${escapeHtml(cell.text)}<br><span class="detail">${escapeHtml(cell.detail)}</span>`;
}

/** A table of escaped cells (no header row when `header` is empty), scrolling sideways when wide. */
export function table(header: readonly string[], rows: readonly (readonly Cell[])[], className = ''): string {
  const cells = header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('');
  const head = header.length > 0 ? `<thead><tr>${cells}</tr></thead>` : '';
  const body = rows
    .map((row) => `<tr>${row.map((cell) => `<td>${cellHtml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="table-scroll"><table class="${className}">${head}<tbody>\n${body}\n</tbody></table></div>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, Segoe UI, Roboto, sans-serif; margin: 24px auto; max-width: 1180px; padding: 0 16px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; } th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; } thead { background: #f4f4f4; }
table.facts td { text-align: left; max-width: 420px; overflow-wrap: anywhere; }
.table-scroll { overflow-x: auto; max-width: 100%; } .detail { color: #666; font-size: 11px; }
.flag { background: #fde2e1; border: 1px solid #d62728; padding: 8px 12px; font-weight: 600; }
.pass { background: #e3f4e1; border: 1px solid #2ca02c; padding: 8px 12px; }
.note { color: #666; } .meta { color: #444; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
figure.chart { margin: 0; } figcaption { font-weight: 600; margin-bottom: 4px; } .chart-holder { position: relative; height: 300px; }
details { margin: 8px 0; } summary { cursor: pointer; font-weight: 600; }
pre { background: #f7f7f7; border: 1px solid #e4e4e4; padding: 8px; font-size: 12px; max-height: 420px; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
`;

/** The whole page: `body` is trusted HTML built from escaped parts; `data` goes in as JSON. */
export function page(
  title: string,
  body: string,
  data: Readonly<Record<string, unknown>>,
  script: string,
): string {
  const json = Object.entries(data)
    .map(([id, value]) => `<script id="${id}" type="application/json">${scriptJson(value)}</script>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
${json}
<script>${chartJsUmd().replaceAll('</script', '<\\/script')}</script>
<script>(function () {\n'use strict';\n${SCRIPT_COMMON}\n${script}\ndocument.body.setAttribute('data-rendered', 'true');\n})();</script>
</body>
</html>
`;
}

function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : '';
}

function field(record: unknown, ...path: string[]): unknown {
  let value = record;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** `[label, value]` rows of the facts a reader compares first (those the file has). */
export function environmentFacts(environment: Record<string, unknown> | null): [string, string][] {
  if (!environment) return [];
  const memory = field(environment, 'machine', 'memoryBytes');
  const machine = [
    text(field(environment, 'machine', 'cpuModel')),
    field(environment, 'machine', 'cpus') === undefined
      ? ''
      : `${text(field(environment, 'machine', 'cpus'))} cores`,
    typeof memory === 'number' ? `${(memory / 2 ** 30).toFixed(1)} GiB` : '',
    `${text(field(environment, 'machine', 'platform'))} ${text(field(environment, 'machine', 'release'))}`.trim(),
  ].filter((part) => part !== '');
  const packages = field(environment, 'packages');
  const rows: [string, string][] = [
    ['command', text(field(environment, 'command'))],
    ['started', text(field(environment, 'createdAt'))],
    ['git commit', text(field(environment, 'gitCommit'))],
    ['backend', text(field(environment, 'backend', 'summary'))],
    ['training threads', text(field(environment, 'workers', 'used'))],
    ['Node.js', text(field(environment, 'node'))],
    ['machine', machine.join(', ')],
    [
      'packages',
      typeof packages === 'object' && packages !== null
        ? Object.entries(packages)
            .map(([name, version]) => `${name} ${text(version)}`)
            .join(', ')
        : '',
    ],
  ];
  return rows.filter(([, value]) => value !== '');
}

/** A collapsible block of pretty-printed JSON (escaped). */
export function jsonBlock(summary: string, value: unknown, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${escapeHtml(summary)}</summary><pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre></details>`;
}

/** The run's environment as a table and its resolved config and environment as JSON. */
export function runSetupSection(
  config: Record<string, unknown> | null,
  environment: Record<string, unknown> | null,
): string {
  const facts = environmentFacts(environment);
  return [
    facts.length > 0
      ? table([], facts, 'facts')
      : '<p class="note">No environment.json in the run directory.</p>',
    config
      ? jsonBlock('Resolved config (config.json)', config, true)
      : '<p class="note">No config.json in the run directory (dtrn evaluate writes none).</p>',
    environment ? jsonBlock('Environment (environment.json)', environment) : '',
  ].join('\n');
}
