/**
 * The few lines a newcomer reads first: which model won on each task and by how much, with its
 * interval, and what the meaningfulness check says about those differences, in plain words.
 * `compare` prints them last (under the tables) and `results.md` carries them at the top.
 */
import type { GainInterval, MeaningfulnessCheck } from '@dtrn/compare';
import type { RunResults } from './results-file.js';

/** DATA.md rule 5: a result rests on at least this many seeds. */
const SEEDS_FOR_A_RESULT = 5;

function signed(value: number, digits = 4): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
}

/** Rounded down to one decimal: a share of 89.96% must not read as the 90% it misses. */
function percent(value: number, digits = 1): string {
  const scale = 10 ** digits;
  return `${(Math.floor(value * 100 * scale + 1e-9) / scale).toFixed(digits)}%`;
}

/** `dtrn-ple beat ple by +0.0110 AUC (95% CI +0.0031 to +0.0190)`, or a tie in words. */
export function gainSentence(gain: GainInterval): string {
  const ci = `${Math.round(gain.confidence * 100)}% CI ${signed(gain.lower)} to ${signed(gain.upper)}`;
  if (gain.verdict === 'win')
    return `${gain.model} beat ${gain.base} by ${signed(gain.estimate)} AUC (${ci})`;
  if (gain.verdict === 'loss') {
    return `${gain.model} lost to ${gain.base} by ${signed(gain.estimate)} AUC (${ci})`;
  }
  return `${gain.model} and ${gain.base} tie: ${signed(gain.estimate)} AUC, ${ci} includes 0`;
}

/** Per task, the model with the highest mean test AUC and its interval. */
function bestModelLine(results: RunResults, task: string): string | null {
  const ranked = results.summary
    .flatMap((summary) => {
      const scores = summary.tasks.find((entry) => entry.task === task);
      const mean = scores?.auc.mean;
      return mean === null || mean === undefined ? [] : [{ model: summary.model, mean, scores }];
    })
    .sort((a, b) => b.mean - a.mean);
  const best = ranked[0];
  if (!best) return null;
  const interval = best.scores?.aucInterval;
  const range = interval ? ` [${interval.lower.toFixed(4)}, ${interval.upper.toFixed(4)}]` : '';
  const next = ranked[1];
  const margin = next ? `, ${signed(best.mean - next.mean)} over ${next.model}` : '';
  return `highest test AUC ${best.model} ${best.mean.toFixed(4)}${range}${margin}`;
}

/** What the check means for the differences above, in plain words. */
export function checkSentence(check: MeaningfulnessCheck): string {
  if (!check.applicable) {
    return `Check not run (${check.note}): nothing here tells whether the models had enough data and training to learn; read the differences with care.`;
  }
  const recovered = check.tasks.map((row) => `${percent(row.recovered)} (${row.task})`).join(' and ');
  const needed = percent(check.threshold, 0);
  const where =
    check.source === 'calibration'
      ? 'trained with the same size and budget on the control setting (where the tasks agree)'
      : 'on the control setting (where the tasks agree)';
  if (check.passed) {
    return `Check PASSED: a plain Shared-Bottom ${where} recovered ${recovered} of what the true model gains over chance (AUC 0.5) from the behavior sequences alone (${needed} needed). So this size and budget are enough to learn the sequence signal DTRN is about, and the differences above are about the models, not about too little data or training.`;
  }
  return `Check FAILED: a plain Shared-Bottom ${where} recovered only ${recovered} of what the true model gains over chance (AUC 0.5) from the behavior sequences alone (${needed} needed). At this size and budget the models cannot learn the sequence signal DTRN is about, so the differences above are NOT evidence for or against DTRN.`;
}

export interface OneGlance {
  /** `In one glance (synthetic full-conflict/small, 60000 rows; one seed)`. */
  readonly title: string;
  /** One plain sentence each (no markdown emphasis): per task, the check, the seeds caveat. */
  readonly items: readonly string[];
}

export function oneGlance(results: RunResults): OneGlance {
  const seeds = results.seeds.length;
  const items: string[] = [];
  for (const task of results.tasks) {
    const gains = results.gains.filter((gain) => gain.task === task).map(gainSentence);
    const best = bestModelLine(results, task);
    items.push(`${task}: ${[...gains, ...(best ? [best] : [])].join('; ')}`);
  }
  items.push(checkSentence(results.check));
  if (results.check.passed && results.check.source === 'own-run') {
    items.push(
      'This is the control setting: both tasks want the same thing, so DTRN has no task conflict to resolve and a tie is the expected answer. Its case is the conflict settings (--preset full-conflict --seeds 5).',
    );
  }
  if (results.check.passed !== false && seeds < SEEDS_FOR_A_RESULT) {
    items.push(
      `${seeds === 1 ? 'One seed' : `${seeds} seeds`}: the intervals cover the noise of the test rows, not the spread between seeds; a result to cite needs ${SEEDS_FOR_A_RESULT} seeds (--seeds ${SEEDS_FOR_A_RESULT}).`,
    );
  }
  return { title: `In one glance (${results.data}; ${seeds === 1 ? 'one seed' : `${seeds} seeds`})`, items };
}

/** The block as the terminal prints it: the title, then one `- ` line per item. */
export function formatOneGlance(results: RunResults): string {
  const { title, items } = oneGlance(results);
  return [`${title}:`, ...items.map((item) => `- ${item}`)].join('\n');
}
