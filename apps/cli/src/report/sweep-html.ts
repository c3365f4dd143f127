/**
 * sweep.html: one static page (the chart is inline SVG, nothing is fetched) with the chart, the
 * mean ± std table per task, every seed's AUC, and links to each comparison's own report.html.
 */
import { formatCell, type SweepTable } from './sweep-data.js';
import { renderSweepSvg } from './sweep-svg.js';

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function row(cells: readonly string[], tag: 'td' | 'th' = 'td'): string {
  return `<tr>${cells.map((cell) => `<${tag}>${escapeHtml(cell)}</${tag}>`).join('')}</tr>`;
}

function taskTable(table: SweepTable, task: string): string {
  const header = row(['model', ...table.values.map(String)], 'th');
  const body = table.models.map((model) => row([model, ...table.cells[model]![task]!.map(formatCell)]));
  return `<h3>${escapeHtml(task)}: test AUC, mean ± std over seeds</h3>\n<table><thead>${header}</thead><tbody>\n${body.join('\n')}\n</tbody></table>`;
}

function seedTable(table: SweepTable): string {
  const header = row(['model', 'task', table.key, 'seed', 'test AUC'], 'th');
  const body = table.models.flatMap((model) =>
    table.tasks.flatMap((task) =>
      table.cells[model]![task]!.flatMap((cell, i) =>
        cell.seeds.map((s) => row([model, task, String(table.values[i]), String(s.seed), s.auc.toFixed(4)])),
      ),
    ),
  );
  return `<details><summary>Every seed</summary><table><thead>${header}</thead><tbody>\n${body.join('\n')}\n</tbody></table></details>`;
}

export interface SweepPageInfo {
  readonly title: string;
  readonly description: string;
  /** The command line that ran the sweep. */
  readonly command: string;
}

export function renderSweepHtml(table: SweepTable, info: SweepPageInfo): string {
  const runs = table.values
    .map((value, i) => {
      const directory = escapeHtml(table.directories[i]!);
      const minutes = (table.seconds[i]! / 60).toFixed(1);
      return `<li>${escapeHtml(`${table.key} = ${String(value)}`)}: <a href="${directory}/report.html">${directory}/report.html</a> (${minutes} min)</li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(info.title)}</title>
<style>
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1200px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
code { background: #f4f4f4; padding: 1px 4px; }
svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>${escapeHtml(info.title)}</h1>
<p>${escapeHtml(info.description)}</p>
<p>Sweep over <code>${escapeHtml(table.key)}</code>; command: <code>${escapeHtml(info.command)}</code></p>
<h2>Test AUC by ${escapeHtml(table.key)}</h2>
<p>Lines join each model's mean over seeds; dots are single seeds (hollow for DTRN variants, dashed lines, in their head's colour).</p>
${renderSweepSvg(table)}
<h2>Tables</h2>
${table.tasks.map((task) => taskTable(table, task)).join('\n')}
${seedTable(table)}
<h2>Comparisons</h2>
<ul>
${runs}
</ul>
</body>
</html>
`;
}
