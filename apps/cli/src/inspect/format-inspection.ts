/** The text `dtrn inspect` prints: Markdown tables of a bottom analysis and the swap AUCs. */
import type { BottomAnalysis } from '@dtrn/model';
import type { InspectionOutcome } from './run-inspect.js';

const fixed = (value: number | null | undefined, digits = 4) =>
  value === null || value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits);

/** A Markdown table; the first `textColumns` columns are left-aligned, the numbers right-aligned. */
function markdown(header: readonly string[], rows: readonly (readonly string[])[], textColumns = 1): string {
  const align = header.map((_, i) => (i < textColumns ? '---' : '---:'));
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function layerNormSection(analysis: BottomAnalysis): string[] {
  const norms = analysis.layerNorms;
  if (!norms) return ['Encoder: no Transformer encoder (no LayerNorms).'];
  const title = norms.conditioned
    ? 'TIM: LayerNorms generated per task and behavior, as shifts from a plain LayerNorm (RMS of gamma - 1 and of beta over every LayerNorm and dimension)'
    : 'Encoder: one shared learned LayerNorm (no TIM), as shifts from its initial gamma 1, beta 0';
  const out = [
    title,
    '',
    markdown(
      [
        'task',
        'behavior',
        'gamma shift',
        'beta shift',
        ...(norms.conditioned ? ['active hidden units'] : []),
      ],
      norms.shifts.map((s) => [
        s.task ?? '(shared)',
        s.behavior,
        fixed(s.gammaShift),
        fixed(s.betaShift),
        ...(norms.conditioned ? [`${s.activeHiddenUnits} of ${norms.hiddenUnits}`] : []),
      ]),
      2,
    ),
  ];
  if (norms.taskSpread) {
    out.push(
      '',
      "How far the tasks' LayerNorms sit from their mean (RMS over tasks and dimensions)",
      '',
      markdown(
        ['behavior', 'gamma', 'beta'],
        norms.taskSpread.map((s) => [s.behavior, fixed(s.gamma), fixed(s.beta)]),
      ),
    );
  }
  if (analysis.interestSpread) {
    out.push(
      '',
      "Task interests on the rows: sqrt(mean_k ||u_k - u_mean||^2 / ||u_mean||^2) per behavior (0: every task's interest is the same)",
      '',
      markdown(
        ['behavior', 'relative spread'],
        analysis.interestSpread.map((s) => [s.behavior, fixed(s.relative)]),
      ),
    );
  }
  return out;
}

function fieldWeightSection(analysis: BottomAnalysis): string[] {
  const weights = analysis.fieldWeights;
  if (!weights) return ['TRM: none (no field weights).'];
  const rows = analysis.fieldNames.map((field, i) => [
    field,
    ...analysis.taskNames.map((_, k) => `${fixed(weights.mean[k]![i])} ± ${fixed(weights.std[k]![i])}`),
  ]);
  return [
    'TRM field weights per task (mean ± std over the rows)',
    '',
    markdown(['field', ...analysis.taskNames], rows),
    '',
    `Task deviation: mean |a^k - mean_k a^k| = ${fixed(weights.taskDeviation)} (${fixed(100 * weights.relativeTaskDeviation, 1)}% of the mean weight)`,
  ];
}

function knockoutSection(knockouts: NonNullable<InspectionOutcome['knockouts']>, split: string): string[] {
  if (knockouts.results.length === 0)
    return ['Knock-outs: the model has no task-specific module (TIM or TRM).'];
  const rows = knockouts.results.flatMap((entry) =>
    Object.entries(entry.auc).map(([task, auc]) => {
      const base = knockouts.auc[task] ?? null;
      const change = auc === null || base === null ? null : auc - base;
      return [
        entry.module.toUpperCase(),
        entry.knockout,
        task,
        fixed(base),
        fixed(auc),
        change === null ? 'n/a' : `${change >= 0 ? '+' : ''}${change.toFixed(4)}`,
      ];
    }),
  );
  return [
    `Knock-outs: ${split} AUC with a module swapped between tasks (task k takes task k + 1's) or reset to its start (TIM: plain LayerNorms; TRM: uniform field weights)`,
    '',
    markdown(['module', 'knock-out', 'task', 'AUC', 'AUC knocked out', 'change'], rows, 3),
  ];
}

export function formatInspection(outcome: Omit<InspectionOutcome, 'file'>): string {
  const { analysis } = outcome;
  const sections = [
    [`${outcome.model} (bottom ${analysis.bottom}) on ${analysis.rows} ${outcome.split} rows`],
    layerNormSection(analysis),
    fieldWeightSection(analysis),
    [
      'Task bottoms (the inputs the head reads per task): linear CKA and mean cosine between tasks (1: the same)',
      '',
      markdown(
        ['tasks', 'linear CKA', 'mean cosine'],
        analysis.taskBottoms.map((p) => [p.tasks.join(' / '), fixed(p.linearCka), fixed(p.meanCosine)]),
      ),
    ],
    ...(outcome.knockouts ? [knockoutSection(outcome.knockouts, outcome.split)] : []),
  ];
  return sections.map((lines) => lines.join('\n')).join('\n\n');
}
