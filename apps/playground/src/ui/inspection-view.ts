/**
 * What the modules learned, per model, averaged over the first test rows: the TRM field weights of
 * each task (DTRN bottoms only) and the gate utilisation of the head (MMoE and PLE gates: mean
 * softmax weight per expert). Each chart also has a short text summary for screen readers.
 */
import type { ModelInspection } from '@dtrn/core';
import { Chart } from 'chart.js';
import type { ModelResult } from '../protocol.js';
import { MODEL_STYLES } from './charts.js';
import { element } from './dom.js';

const EXPERT_COLORS = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#56b4e9',
  '#d55e00',
  '#f0e442',
  '#999999',
];

function barChart(
  canvas: HTMLCanvasElement,
  title: string,
  labels: string[],
  datasets: { label: string; data: number[]; backgroundColor: string }[],
  stacked: boolean,
  yTitle: string,
): Chart<'bar'> {
  return new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      plugins: { title: { display: true, text: title }, legend: { position: 'bottom' } },
      scales: {
        x: { stacked, ticks: { autoSkip: false, maxRotation: 60 } },
        y: {
          stacked,
          beginAtZero: true,
          title: { display: true, text: yTitle },
          ...(stacked ? { max: 1 } : {}),
        },
      },
    },
  });
}

function topFields(fields: readonly string[], weights: readonly number[], count = 3): string {
  return fields
    .map((field, i) => ({ field, weight: weights[i] ?? 0 }))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, count)
    .map((entry) => `${entry.field} ${entry.weight.toFixed(2)}`)
    .join(', ');
}

function fieldWeightsBlock(
  model: string,
  tasks: readonly string[],
  inspection: ModelInspection,
  pending: (() => Chart)[],
) {
  const fieldWeights = inspection.fieldWeights;
  if (!fieldWeights || fieldWeights.length === 0) return null;
  const fields = [...(fieldWeights[0]?.fields ?? [])];
  const summary = fieldWeights
    .map((entry) => `${tasks[entry.task] ?? entry.task}: ${topFields(entry.fields, entry.weights)}`)
    .join('; ');
  const canvas = element('canvas', {
    role: 'img',
    'aria-label': `TRM field weights of ${model}. Highest per task: ${summary}`,
  });
  const block = element(
    'figure',
    { class: 'inspection', 'data-inspection': 'field-weights', 'data-model': model },
    element('div', { class: 'chart wide' }, canvas),
    element('figcaption', {}, `TRM field weights of ${model} (mean over test rows). Highest: ${summary}.`),
  );
  pending.push(() =>
    barChart(
      canvas,
      `${model}: TRM field weight per task`,
      fields,
      fieldWeights.map((entry, i) => ({
        label: tasks[entry.task] ?? `task ${entry.task}`,
        data: [...entry.weights],
        backgroundColor: MODEL_STYLES[i % MODEL_STYLES.length]!.color,
      })),
      false,
      'mean field weight',
    ),
  );
  return block;
}

function gatesBlock(
  model: string,
  tasks: readonly string[],
  inspection: ModelInspection,
  pending: (() => Chart)[],
) {
  const gates = inspection.gates;
  if (!gates || gates.length === 0) return null;
  const numExperts = Math.max(...gates.map((gate) => gate.expertWeights.length));
  const labels = gates.map((gate) =>
    gate.task === null ? `${gate.gate} (shared)` : `${gate.gate} (${tasks[gate.task] ?? gate.task})`,
  );
  const summary = gates
    .map((gate, i) => `${labels[i]}: ${gate.expertWeights.map((w) => w.toFixed(2)).join(' / ')}`)
    .join('; ');
  const canvas = element('canvas', { role: 'img', 'aria-label': `Gate utilisation of ${model}: ${summary}` });
  const block = element(
    'figure',
    { class: 'inspection', 'data-inspection': 'gates', 'data-model': model },
    element('div', { class: 'chart' }, canvas),
    element(
      'figcaption',
      {},
      `Gate utilisation of ${model}: mean softmax weight per expert (PLE task gates list the task's own experts first, then the shared ones). ${summary}.`,
    ),
  );
  pending.push(() =>
    barChart(
      canvas,
      `${model}: gate utilisation`,
      labels,
      Array.from({ length: numExperts }, (_, e) => ({
        label: `expert ${e + 1}`,
        data: gates.map((gate) => gate.expertWeights[e] ?? 0),
        backgroundColor: EXPERT_COLORS[e % EXPERT_COLORS.length]!,
      })),
      true,
      'share of gate weight',
    ),
  );
  return block;
}

/** Renders the inspection charts; returns the charts so the caller can destroy them later. */
export function renderInspection(
  container: HTMLElement,
  tasks: readonly string[],
  models: readonly ModelResult[],
): Chart[] {
  const pending: (() => Chart)[] = [];
  const blocks: HTMLElement[] = [];
  for (const model of models) {
    if (!model.inspection) continue;
    const fieldBlock = fieldWeightsBlock(model.model, tasks, model.inspection, pending);
    const gateBlock = gatesBlock(model.model, tasks, model.inspection, pending);
    if (fieldBlock) blocks.push(fieldBlock);
    if (gateBlock) blocks.push(gateBlock);
  }
  if (blocks.length === 0) {
    blocks.push(
      element(
        'p',
        {},
        'None of these models has TRM field weights or gates (Shared-Bottom heads have no gates).',
      ),
    );
  }
  container.replaceChildren(...blocks);
  return pending.map((create) => create()); // after the canvases are in the document
}
