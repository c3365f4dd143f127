/**
 * The final table, like the CLI's compare table: per model and task the test AUC, GAUC and
 * logloss, the AUC difference to the reference model with its paired bootstrap interval, the step
 * budget actually run, time, throughput and parameter counts; then the oracle AUCs of the same
 * test rows. Cells carry `data-model`, `data-task` and `data-metric` so tests can read them.
 */
import type { ResultVerdict } from '../comparison/verdict.js';
import type { ComparisonResult, ModelResult, OracleResult } from '../protocol.js';
import { element, formatCount, formatNumber } from './dom.js';

const ORACLE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  oracle: 'true logit (ceiling)',
  'oracle-no-user-item': 'without the user-item term',
  'oracle-sequence-only': 'sequence term only',
  'oracle-no-sequence': 'without the sequence term',
};

function metricCell(model: string, task: string, metric: string, value: number | null): HTMLElement {
  return element(
    'td',
    { 'data-model': model, 'data-task': task, 'data-metric': metric, class: 'number' },
    formatNumber(value),
  );
}

function differenceCell(result: ModelResult, task: string, reference: string): HTMLElement {
  if (result.model === reference) return element('td', { class: 'number' }, 'reference');
  const difference = result.differences.find((entry) => entry.task === task);
  if (!difference) return element('td', { class: 'number' }, '–');
  const sign = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(4)}`;
  const significant = difference.lower > 0 || difference.upper < 0;
  return element(
    'td',
    {
      class: `number${significant ? ' significant' : ''}`,
      'data-model': result.model,
      'data-task': task,
      'data-metric': 'auc-difference',
      title: `P(gain > 0) = ${difference.probabilityPositive.toFixed(2)}`,
    },
    `${sign(difference.estimate)} [${sign(difference.lower)}, ${sign(difference.upper)}]`,
  );
}

function modelRows(result: ComparisonResult): HTMLElement[] {
  return result.models.map((model) =>
    element(
      'tr',
      { 'data-model': model.model },
      element('th', { scope: 'row' }, model.model, model.stoppedReason === 'aborted' ? ' (stopped)' : ''),
      ...result.tasks.flatMap((task) => {
        const scores = model.test.find((entry) => entry.task === task);
        return [
          metricCell(model.model, task, 'auc', scores?.auc ?? null),
          metricCell(model.model, task, 'gauc', scores?.gauc ?? null),
          metricCell(model.model, task, 'logloss', scores?.logloss ?? null),
          differenceCell(model, task, result.reference),
        ];
      }),
      element('td', { class: 'number' }, formatCount(model.steps)),
      element('td', { class: 'number' }, model.seconds.toFixed(1)),
      element('td', { class: 'number' }, formatCount(model.samplesPerSecond)),
      element('td', { class: 'number' }, formatCount(model.parameters.dense)),
      element('td', { class: 'number' }, formatCount(model.parameters.embedding)),
    ),
  );
}

function oracleRows(tasks: readonly string[], oracles: readonly OracleResult[]): HTMLElement[] {
  const kinds = [...new Set(oracles.map((oracle) => oracle.kind))];
  return kinds.map((kind) =>
    element(
      'tr',
      { class: 'oracle' },
      element(
        'th',
        { scope: 'row' },
        kind,
        element('small', {}, ORACLE_DESCRIPTIONS[kind] ?? 'oracle logit'),
      ),
      ...tasks.flatMap((task) => {
        const auc = oracles.find((oracle) => oracle.task === task && oracle.kind === kind)?.auc ?? null;
        return [
          element('td', { class: 'number', 'data-oracle': kind, 'data-task': task }, formatNumber(auc)),
          element('td', { colspan: '3' }),
        ];
      }),
      element('td', { colspan: '5' }),
    ),
  );
}

/**
 * Renders the result table into `container` (replacing what was there), under the verdict: what
 * the differences mean (evidence or not, and why).
 */
export function renderResults(
  container: HTMLElement,
  result: ComparisonResult,
  verdict: ResultVerdict | null = null,
): void {
  const taskHeaders = result.tasks.map((task) => element('th', { colspan: '4', scope: 'colgroup' }, task));
  const metricHeaders = result.tasks.flatMap(() =>
    ['AUC', 'GAUC', 'logloss', `ΔAUC vs ${result.reference} [95% CI]`].map((label) =>
      element('th', { scope: 'col' }, label),
    ),
  );
  const table = element(
    'table',
    { id: 'results-table' },
    element(
      'caption',
      {},
      `Test split. ΔAUC: paired bootstrap (500 resamples) against ${result.reference}; bold when the interval excludes 0.`,
    ),
    element(
      'thead',
      {},
      element(
        'tr',
        {},
        element('th', { rowspan: '2', scope: 'col' }, 'model'),
        ...taskHeaders,
        ...['steps', 'time (s)', 'train samples/s', 'dense params', 'embedding params'].map((label) =>
          element('th', { rowspan: '2', scope: 'col' }, label),
        ),
      ),
      element('tr', {}, ...metricHeaders),
    ),
    element('tbody', {}, ...modelRows(result), ...oracleRows(result.tasks, result.oracles)),
  );
  const note = result.stopped
    ? element('p', { class: 'note' }, 'Stopped early: the table shows the models as far as they trained.')
    : element('p', { class: 'note' }, `Finished in ${result.seconds.toFixed(1)} s.`);
  const meaning = verdict
    ? [
        element(
          'p',
          { id: 'result-verdict', class: `verdict ${verdict.check}`, 'data-check': verdict.check },
          verdict.text,
        ),
      ]
    : [];
  container.replaceChildren(...meaning, element('div', { class: 'table-scroll' }, table), note);
}
