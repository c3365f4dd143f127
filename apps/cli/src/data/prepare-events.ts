/** How `@dtrn/prepare`'s events show: stage lines, DuckDB progress, rows written every 10%. */
import type { PrepareEvent } from '@dtrn/prepare';
import type { ProgressReporter } from '../runtime/progress.js';

export function showPrepareEvents(progress: ProgressReporter): (event: PrepareEvent) => void {
  const shown = new Map<string, number>();
  return (event) => {
    progress.json({ ...event, type: `prepare-${event.type}` });
    if (event.type === 'stage') progress.info(`${event.stage}: ${event.message}`);
    else if (event.type === 'duckdb-progress')
      progress.info(`${event.stage}: DuckDB ${event.percent.toFixed(0)}%`);
    else {
      const percent = Math.floor((100 * event.rows) / Math.max(1, event.total));
      if (percent < (shown.get(event.split) ?? -10) + 10 && event.rows < event.total) return;
      shown.set(event.split, percent);
      progress.info(`write: ${event.split} ${event.rows}/${event.total} rows (${percent}%)`);
    }
  };
}
