/** What a preparation did: rows per split by fate, reasons, timings, vocabularies, leakage. */
import { formatLeakageReport, type LeakageReport } from '@dtrn/datasets';
import type { CountedSplit, ReasonCount, SplitCounts } from '../stages/account-rows.js';
import type { EventCounts } from '../stages/event-log.js';
import type { NumericStatistics } from '../stages/numeric-transforms.js';

export interface PrepareReport {
  readonly name: string;
  readonly rows: Readonly<Record<CountedSplit, SplitCounts>>;
  readonly skipped: readonly ReasonCount[];
  readonly filtered: readonly { readonly reason: string; readonly count: number }[];
  readonly events: EventCounts | undefined;
  /** Seconds per stage, in order. */
  readonly timings: Readonly<Record<string, number>>;
  readonly vocabularies: readonly {
    readonly idSpace: string;
    readonly knownIds: number;
    readonly size: number;
    readonly oov: string;
  }[];
  readonly numeric: readonly NumericStatistics[];
  readonly leakage: LeakageReport;
}

function countsLine(name: string, counts: SplitCounts): string {
  return `  ${name.padEnd(11)} read ${counts.read}, used ${counts.used}, skipped ${counts.skipped}, filtered ${counts.filtered}`;
}

/** Human lines for the terminal. */
export function formatPrepareReport(report: PrepareReport): string[] {
  const lines = [`rows of ${report.name} (read = used + skipped + filtered):`];
  for (const [split, counts] of Object.entries(report.rows)) {
    if (split === 'unassigned' && counts.read === 0) continue;
    lines.push(countsLine(split, counts));
  }
  for (const reason of report.skipped)
    lines.push(`  skipped ${reason.count}: ${reason.reason}, first at ${reason.example}`);
  for (const reason of report.filtered) lines.push(`  filtered ${reason.count}: ${reason.reason}`);
  if (report.events) {
    lines.push(countsLine('events', report.events));
    for (const reason of report.events.skippedByReason)
      lines.push(`  events skipped ${reason.count}: ${reason.reason}`);
  }
  lines.push(
    `vocabularies (training split only): ${report.vocabularies.map((v) => `${v.idSpace} ${v.knownIds} ids/${v.size} rows`).join(', ')}`,
  );
  lines.push(formatLeakageReport(report.leakage));
  lines.push(
    `time: ${Object.entries(report.timings)
      .map(([stage, seconds]) => `${stage} ${seconds.toFixed(2)} s`)
      .join(', ')}`,
  );
  return lines;
}
