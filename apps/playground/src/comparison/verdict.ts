/**
 * What the page's result means, in plain words (the CLI's one-glance line, for a tab). DATA.md's
 * meaningfulness check asks whether a plain Shared-Bottom, on the control setting (tasks that
 * agree), recovers at least 90% of the AUC gain over 0.5 that the sequence-only oracle gets: if it
 * does not, the size and budget are too small to learn the sequence signal DTRN is about, and
 * differences between models are no evidence either way. The page can read the check only from
 * its own run (control knobs with `shared-bottom` among the models); it does not train the CLI's
 * extra calibration model, so for any other run it says plainly that the result is not evidence.
 */
import { SYNTHETIC_SETTING_KNOBS } from '@dtrn/datasets';
import type { PlaygroundConfig } from '../config/playground-config.js';
import type { ComparisonResult } from '../protocol.js';

/** DATA.md rule 1's threshold (the CLI's `check.threshold` default). */
export const CHECK_THRESHOLD = 0.9;
const CHECK_MODEL = 'shared-bottom';

export interface ResultVerdict {
  /** `passed`: the differences are evidence at this size; otherwise they are not. */
  readonly check: 'passed' | 'failed' | 'not-run';
  /** One paragraph for the page. */
  readonly text: string;
}

function isControl(knobs: PlaygroundConfig['knobs']): boolean {
  const control = SYNTHETIC_SETTING_KNOBS.control;
  return (Object.keys(control) as (keyof typeof control)[]).every((key) => knobs[key] === control[key]);
}

const NOT_EVIDENCE =
  'so the differences in this table are not evidence for or against DTRN (a run too small to learn the behavior sequences can rank the models any way)';

export function resultVerdict(
  config: Pick<PlaygroundConfig, 'knobs' | 'models'>,
  result: ComparisonResult,
): ResultVerdict {
  const reference = result.models.find((model) => model.model === CHECK_MODEL);
  if (!isControl(config.knobs) || !reference || result.stopped) {
    return {
      check: 'not-run',
      text: `Not evidence: this page checks whether the run could learn at all only on the control setting with ${CHECK_MODEL} among the models (DATA.md's meaningfulness check; it does not train the extra calibration model the CLI trains for other settings), ${NOT_EVIDENCE}. For a checked comparison run \`dtrn compare --preset quick\`.`,
    };
  }
  const rows = result.tasks.map((task) => {
    const auc = reference.test.find((entry) => entry.task === task)?.auc ?? null;
    const oracle =
      result.oracles.find((entry) => entry.task === task && entry.kind === 'oracle-sequence-only')?.auc ??
      null;
    const recovered = auc === null || oracle === null ? null : (auc - 0.5) / (oracle - 0.5);
    return { task, recovered };
  });
  const passed = rows.every((row) => row.recovered !== null && row.recovered >= CHECK_THRESHOLD);
  const recovered = rows
    .map((row) => `${row.recovered === null ? 'n/a' : `${(row.recovered * 100).toFixed(0)}%`} (${row.task})`)
    .join(' and ');
  const needed = `${(CHECK_THRESHOLD * 100).toFixed(0)}% needed`;
  if (passed) {
    return {
      check: 'passed',
      text: `Check passed: ${CHECK_MODEL} recovered ${recovered} of what the true model gains over chance (AUC 0.5) from the behavior sequences alone (${needed}), so this size and budget are enough to learn the sequence signal and the differences are about the models. One seed: the intervals cover test-row noise only.`,
    };
  }
  return {
    check: 'failed',
    text: `Check failed: ${CHECK_MODEL} recovered only ${recovered} of what the true model gains over chance (AUC 0.5) from the behavior sequences alone (${needed}), ${NOT_EVIDENCE}.`,
  };
}
