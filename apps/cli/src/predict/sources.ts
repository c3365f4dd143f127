/** What `dtrn predict` scores: blocks of rows in input order, with their accounting. */
import { ConfigError } from '@dtrn/base';
import type { DatasetSchema, InMemoryDataset } from '@dtrn/data';
import type { ReasonCount } from '@dtrn/prepare';

export interface PredictBlock {
  /** Rows in the data's schema (only valid during the sink call). */
  readonly rows: InMemoryDataset;
  /** [rows] each row's index among the input's records (0-based). */
  readonly records: ArrayLike<number>;
  /** Per kept column, each row's text. */
  readonly kept: readonly (readonly (string | null)[])[];
}

/** Every record read: read = scored + skipped (by reason) + filtered. */
export interface RowAccounting {
  readonly read: number;
  readonly scored: number;
  readonly skipped: number;
  readonly filtered: number;
  readonly skippedByReason: readonly ReasonCount[];
  readonly filteredByReason: readonly { readonly reason: string; readonly count: number }[];
}

export interface PredictSource {
  /** One line naming the data, for messages. */
  readonly description: string;
  readonly schema: DatasetSchema;
  /** Records to read, when known in advance (shards). */
  readonly total: number | undefined;
  /** Output names of the kept columns. */
  readonly keep: readonly string[];
  stream(
    sink: (block: PredictBlock) => Promise<void>,
    onRead: (records: number) => void,
  ): Promise<RowAccounting>;
  close(): Promise<void>;
}

/** One `--keep` entry: an input column, written under `name`. */
export interface KeptColumn {
  readonly column: string;
  readonly name: string;
}

/**
 * `--keep a,b:b_label`: columns passed through, each optionally renamed (`column:name`). A name
 * equal to `row` or to a task (the probability columns) is refused, naming the clash.
 */
export function parseKeep(value: string | undefined, tasks: readonly string[]): KeptColumn[] {
  if (value === undefined || value.trim() === '') return [];
  const kept = value.split(',').map((entry) => {
    const [column, name, ...rest] = entry.trim().split(':');
    if (!column || rest.length > 0 || name === '') {
      throw new ConfigError(`--keep: "${entry}" is not a column or column:name`, {
        expected: 'e.g. --keep user_id,click:click_label',
      });
    }
    return { column, name: name ?? column };
  });
  const names = new Set<string>();
  for (const { column, name } of kept) {
    if (name === 'row' || tasks.includes(name)) {
      throw new ConfigError(
        `--keep ${column}: the output already has a column "${name}" (${name === 'row' ? 'the record index' : "the task's probability"})`,
        {
          expected: `another name for it: --keep ${column}:${column}_input`,
        },
      );
    }
    if (names.has(name)) throw new ConfigError(`--keep names the output column "${name}" twice`);
    names.add(name);
  }
  return kept;
}
