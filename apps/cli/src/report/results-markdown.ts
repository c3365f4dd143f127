/** The human table of a run (`results.md`, and what `compare` prints). */
import { degenerateHeadline, describeEntries, type GainInterval, type MeanStd } from '@dtrn/compare';
import { oneGlance } from './one-glance.js';
import type { RunResults } from './results-file.js';

const ORACLE_LABELS: Readonly<Record<string, string>> = {
  oracle: 'oracle (true logit)',
  'oracle-no-user-item': 'oracle without user-item term',
  'oracle-sequence-only': 'oracle: sequence term only',
  'oracle-no-sequence': 'oracle without sequence term',
};

/** `mean ± std`, and how many seeds were left out as degenerate (never averaged in silently). */
export function formatMeanStd(value: MeanStd, digits = 4): string {
  const degenerate = value.degenerateSeeds?.length ?? 0;
  const flag = degenerate > 0 ? ` (${degenerate} of ${degenerate + value.n} seeds degenerate, left out)` : '';
  if (value.mean === null) return degenerate > 0 ? `degenerate${flag.replace(', left out', '')}` : 'n/a';
  const text =
    value.n > 1
      ? `${value.mean.toFixed(digits)} ± ${(value.std ?? 0).toFixed(digits)}`
      : value.mean.toFixed(digits);
  return `${text}${flag}`;
}

function signed(value: number, digits = 4): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

export function checkHeadline(results: RunResults): string | null {
  const check = results.check;
  if (!check.applicable) return null;
  if (check.passed) return `Meaningfulness check passed (${check.note}).`;
  return `**FLAGGED: this comparison failed the meaningfulness check** (${check.note}); differences between models on this preset are not evidence for or against DTRN.`;
}

export function formatResultsMarkdown(results: RunResults): string {
  const lines: string[] = [];
  const seeds = results.seeds.length;
  const flagged = results.check.passed === false || degenerateHeadline(results) !== null;
  lines.push(`# dtrn ${results.kind}: ${results.name}${flagged ? ' (FLAGGED)' : ''}`, '');
  if (results.description) lines.push(results.description, '');
  lines.push(
    `- data: ${results.data}`,
    `- seeds: ${results.seeds.join(', ')}`,
    `- backend: ${results.backend.summary}`,
    ...(results.workers ? [`- threads: ${results.workers.reason}`] : []),
    `- wall time: ${results.seconds.toFixed(1)} s`,
    '',
  );
  const headline = checkHeadline(results);
  if (headline) lines.push(headline, '');
  const degenerate = degenerateHeadline(results);
  if (degenerate) lines.push(degenerate, '');
  if (results.kind === 'compare') {
    const glance = oneGlance(results);
    lines.push(`## ${glance.title}`, '', ...glance.items.map((item) => `- ${item}`), '');
  }

  lines.push(
    `## Test metrics (${seeds > 1 ? `mean ± std over ${seeds} seeds` : 'one seed'}; AUC on each task's sample space)`,
    '',
  );
  const header = [
    'model',
    ...results.tasks.flatMap((task) => [`${task} AUC`, `${task} GAUC`, `${task} logloss`]),
  ];
  lines.push(`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  for (const summary of results.summary) {
    const cells = summary.tasks.flatMap((task) => [
      formatMeanStd(task.auc),
      formatMeanStd(task.gauc),
      formatMeanStd(task.logloss),
    ]);
    lines.push(`| ${summary.model} | ${cells.join(' | ')} |`);
  }
  const kinds = [...new Set(results.oracles.map((oracle) => oracle.kind))];
  for (const kind of kinds) {
    const cells = results.tasks.flatMap((task) => {
      const oracle = results.oracles.find((o) => o.task === task && o.kind === kind);
      return [oracle ? formatMeanStd(oracle.auc) : 'n/a', '', ''];
    });
    lines.push(`| ${ORACLE_LABELS[kind] ?? kind} | ${cells.join(' | ')} |`);
  }
  lines.push('');

  lines.push(
    ...gainSection(
      results.gains,
      'AUC gain over the base head (paired bootstrap {confidence}% CI, test rows resampled within each seed, gains averaged over seeds)',
      'verdict',
    ),
    ...gainSection(
      results.transfer ?? [],
      'Transfer: AUC of each multi-task model minus the single-task models (paired bootstrap {confidence}% CI as above; a loss is negative transfer)',
      'transfer',
    ),
  );

  if (results.check.applicable) {
    lines.push(
      `## Meaningfulness check (DATA.md rule 1): ${results.check.passed ? 'PASSED' : 'FAILED'}`,
      '',
      `Shared-Bottom must recover at least ${(results.check.threshold * 100).toFixed(0)}% of the sequence-only oracle's AUC gain over 0.5 on the control setting (${results.check.note}).`,
      '',
      '| task | Shared-Bottom AUC | sequence-only oracle AUC | recovered | passed |',
      '|---|---:|---:|---:|---|',
    );
    for (const row of results.check.tasks) {
      lines.push(
        `| ${row.task} | ${row.modelAuc.toFixed(4)} | ${row.sequenceOnlyOracleAuc.toFixed(4)} | ${(row.recovered * 100).toFixed(1)}% | ${row.passed ? 'yes' : 'NO'} |`,
      );
    }
    lines.push('');
  } else if (results.check.note) {
    lines.push(`Meaningfulness check: not applicable (${results.check.note}).`, '');
  }

  lines.push(
    '## Runs',
    '',
    '| model | seed | steps | best epoch | stopped | seconds | samples/s | dense params | embedding params | degenerate |',
    '|---|---:|---:|---:|---|---:|---:|---:|---:|---|',
  );
  for (const run of results.runs) {
    lines.push(
      `| ${run.model} | ${run.seed} | ${run.steps} | ${run.bestEpoch ?? 'n/a'} | ${run.stoppedReason} | ${run.seconds.toFixed(1)} | ${Math.round(run.samplesPerSecond)} | ${run.parameters.dense} | ${run.parameters.embedding} | ${run.degenerate?.length ? describeEntries(run.degenerate) : ''} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

const TRANSFER_VERDICTS: Readonly<Record<string, string>> = {
  win: 'positive',
  tie: 'none measured',
  loss: 'NEGATIVE',
};

/** A transfer entry's verdict in words: `NEGATIVE` (negative transfer), `none measured`, `positive`. */
export function transferVerdict(gain: Pick<GainInterval, 'verdict'>): string {
  return TRANSFER_VERDICTS[gain.verdict] ?? gain.verdict;
}

/** One gains table (empty when there are no gains); `{confidence}` in the title becomes the CI level. */
function gainSection(
  gains: readonly GainInterval[],
  title: string,
  verdictColumn: 'verdict' | 'transfer',
): string[] {
  if (gains.length === 0) return [];
  const confidence = Math.round((gains[0]?.confidence ?? 0.95) * 100);
  const lines = [
    `## ${title.replace('{confidence}', String(confidence))}`,
    '',
    `| model | base | task | gain | CI | P(gain > 0) | per seed | ${verdictColumn} |`,
    '|---|---|---|---:|---|---:|---|---|',
  ];
  for (const gain of gains) {
    const left = gain.excludedSeeds?.length
      ? ` (degenerate seeds ${gain.excludedSeeds.join(', ')} left out)`
      : '';
    const verdict = verdictColumn === 'transfer' ? transferVerdict(gain) : gain.verdict;
    lines.push(
      `| ${gain.model} | ${gain.base} | ${gain.task} | ${signed(gain.estimate)} | [${signed(gain.lower)}, ${signed(gain.upper)}] | ${gain.probabilityPositive.toFixed(3)} | ${gain.perSeed.map((value) => signed(value)).join(', ')}${left} | ${verdict} |`,
    );
  }
  lines.push('');
  return lines;
}
