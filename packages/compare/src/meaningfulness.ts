/**
 * DATA.md rule 1: on the control setting, Shared-Bottom must reach `threshold` of the sequence-only
 * oracle's AUC gain over 0.5 on every task, else a conflict comparison at this size and budget
 * means nothing.
 */
import type { MeaningfulnessCheck, OracleSummary } from './results.js';

export const SEQUENCE_ONLY_ORACLE = 'oracle-sequence-only';

/** The check from model AUCs and oracle summaries (`modelAucs` and `oracles`: means over the seeds checked). */
export function meaningfulnessCheck(
  tasks: readonly string[],
  modelAucs: readonly (number | null)[],
  oracles: readonly OracleSummary[],
  threshold: number,
  source: 'own-run' | 'calibration',
  note: string,
): MeaningfulnessCheck {
  const rows = tasks.map((task, k) => {
    const modelAuc = modelAucs[k] ?? Number.NaN;
    const oracleAuc =
      oracles.find((o) => o.task === task && o.kind === SEQUENCE_ONLY_ORACLE)?.auc.mean ?? Number.NaN;
    const recovered = (modelAuc - 0.5) / (oracleAuc - 0.5);
    return { task, modelAuc, sequenceOnlyOracleAuc: oracleAuc, recovered, passed: recovered >= threshold };
  });
  return { applicable: true, note, threshold, source, tasks: rows, passed: rows.every((row) => row.passed) };
}

/** The check's record when it does not apply (`note` says why). */
export function notApplicable(note: string, threshold: number): MeaningfulnessCheck {
  return { applicable: false, note, threshold, source: null, tasks: [], passed: null };
}
