/**
 * The sweep chart as one self-contained SVG (no script, no fonts to fetch): a panel per task, test
 * AUC against the swept value, a line through each model's mean and a dot per seed. A DTRN variant
 * takes its head's colour with a dashed line, so each head and its DTRN sit side by side.
 */
import type { SweepTable } from './sweep-data.js';

const PANEL = { width: 520, height: 360, left: 56, right: 16, top: 36, bottom: 48 };
const LEGEND_HEIGHT = 28;
/** Colour-blind-safe hues (Okabe-Ito), one per head family. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** The head a model builds on (`dtrn-mmoe-no-tim` -> `mmoe`): it decides the colour. */
export function headFamily(model: string): string {
  return model.replace(/^dtrn-/, '').replace(/-no-(tim|trm)$/, '');
}

function styleOf(models: readonly string[]): Map<string, { colour: string; dashed: boolean }> {
  const families: string[] = [];
  for (const model of models) if (!families.includes(headFamily(model))) families.push(headFamily(model));
  return new Map(
    models.map((model) => [
      model,
      {
        colour: PALETTE[families.indexOf(headFamily(model)) % PALETTE.length]!,
        dashed: headFamily(model) !== model,
      },
    ]),
  );
}

/** Round numbers covering [low, high] with about 5 ticks. */
function ticks(low: number, high: number): number[] {
  const raw = (high - low) / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const out: number[] = [];
  for (let t = Math.ceil(low / step) * step; t <= high + step * 1e-9; t += step)
    out.push(Number(t.toFixed(6)));
  return out;
}

interface Scales {
  readonly x: (index: number) => number;
  readonly y: (auc: number) => number;
  readonly yTicks: readonly number[];
}

/** x: numeric when every value is a number (so uneven steps look uneven), else evenly spaced. */
function scales(table: SweepTable): Scales {
  const plotWidth = PANEL.width - PANEL.left - PANEL.right;
  const plotHeight = PANEL.height - PANEL.top - PANEL.bottom;
  const numeric = table.values.every((value) => typeof value === 'number');
  const numbers = table.values.map((value, i) => (numeric ? (value as number) : i));
  const xLow = Math.min(...numbers);
  const xSpan = Math.max(...numbers) - xLow || 1;
  const pad = 0.06 * plotWidth;
  const aucs = table.models.flatMap((model) =>
    table.tasks.flatMap((task) =>
      table.cells[model]![task]!.flatMap((cell) => [
        ...(cell.mean === null ? [] : [cell.mean]),
        ...cell.seeds.map((s) => s.auc),
      ]),
    ),
  );
  const margin = Math.max(0.005, 0.05 * (Math.max(...aucs) - Math.min(...aucs)));
  const yTicks = ticks(Math.min(...aucs) - margin, Math.max(...aucs) + margin);
  const yLow = Math.min(Math.min(...aucs) - margin, yTicks[0]!);
  const yHigh = Math.max(Math.max(...aucs) + margin, yTicks[yTicks.length - 1]!);
  return {
    x: (index) => PANEL.left + pad + ((numbers[index]! - xLow) / xSpan) * (plotWidth - 2 * pad),
    y: (auc) => PANEL.top + (1 - (auc - yLow) / (yHigh - yLow)) * plotHeight,
    yTicks,
  };
}

function axes(table: SweepTable, task: string, s: Scales): string[] {
  const right = PANEL.width - PANEL.right;
  const bottom = PANEL.height - PANEL.bottom;
  const parts = [
    `<text x="${PANEL.width / 2}" y="20" text-anchor="middle" font-weight="bold">${escapeXml(task)}: test AUC</text>`,
    `<rect x="${PANEL.left}" y="${PANEL.top}" width="${right - PANEL.left}" height="${bottom - PANEL.top}" fill="none" stroke="#999"/>`,
  ];
  for (const tick of s.yTicks) {
    const y = s.y(tick).toFixed(1);
    parts.push(`<line x1="${PANEL.left}" x2="${right}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${PANEL.left - 6}" y="${y}" dy="4" text-anchor="end">${tick.toFixed(2)}</text>`);
  }
  table.values.forEach((value, i) => {
    const x = s.x(i).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${bottom}" y2="${bottom + 4}" stroke="#999"/>`);
    parts.push(`<text x="${x}" y="${bottom + 18}" text-anchor="middle">${escapeXml(String(value))}</text>`);
  });
  parts.push(
    `<text x="${(PANEL.left + right) / 2}" y="${PANEL.height - 8}" text-anchor="middle">${escapeXml(table.key)}</text>`,
  );
  return parts;
}

function panel(table: SweepTable, task: string, offsetX: number): string {
  const s = scales(table);
  const style = styleOf(table.models);
  const parts = axes(table, task, s);
  table.models.forEach((model, m) => {
    const { colour, dashed } = style.get(model)!;
    const cells = table.cells[model]![task]!;
    const shift = (m - (table.models.length - 1) / 2) * 3; // px, so seeds of different models do not overlap
    const line = cells
      .flatMap((cell, i) => (cell.mean === null ? [] : [`${s.x(i).toFixed(1)},${s.y(cell.mean).toFixed(1)}`]))
      .join(' ');
    const dash = dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<polyline points="${line}" fill="none" stroke="${colour}" stroke-width="2"${dash}><title>${escapeXml(model)}</title></polyline>`,
    );
    cells.forEach((cell, i) => {
      for (const { seed, auc } of cell.seeds) {
        const title = `${model}, ${table.key} ${String(table.values[i])}, seed ${seed}: ${auc.toFixed(4)}`;
        parts.push(
          `<circle cx="${(s.x(i) + shift).toFixed(1)}" cy="${s.y(auc).toFixed(1)}" r="2.5" fill="${dashed ? 'white' : colour}" stroke="${colour}"><title>${escapeXml(title)}</title></circle>`,
        );
      }
    });
  });
  return `<g transform="translate(${offsetX},0)">\n${parts.join('\n')}\n</g>`;
}

/** Legend entries in a row: a line sample and the name, each entry as wide as its name. */
function legend(table: SweepTable, top: number): { readonly svg: string; readonly width: number } {
  const style = styleOf(table.models);
  let x = 16;
  const entries = table.models.map((model) => {
    const { colour, dashed } = style.get(model)!;
    const dash = dashed ? ' stroke-dasharray="6 4"' : '';
    const entry = `<line x1="${x}" x2="${x + 24}" y1="${top}" y2="${top}" stroke="${colour}" stroke-width="2"${dash}/><text x="${x + 30}" y="${top}" dy="4">${escapeXml(model)}</text>`;
    x += 30 + 7 * model.length + 20; // about 7 px per character at 12 px sans-serif
    return entry;
  });
  return { svg: entries.join('\n'), width: x };
}

/** The whole chart: the task panels side by side, the legend below. */
export function renderSweepSvg(table: SweepTable): string {
  const height = PANEL.height + LEGEND_HEIGHT;
  const key = legend(table, PANEL.height + LEGEND_HEIGHT / 2 - 4);
  const width = Math.max(PANEL.width * table.tasks.length, key.width);
  const panels = table.tasks.map((task, t) => panel(table, task, t * PANEL.width));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12" role="img">`,
    `<title>${escapeXml(`Test AUC by ${table.key}: ${table.tasks.join(', ')}; ${table.models.join(', ')}`)}</title>`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...panels,
    key.svg,
    '</svg>',
  ].join('\n');
}
