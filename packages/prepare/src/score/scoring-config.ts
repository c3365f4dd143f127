/**
 * The dataset config as a scorer reads it: the same reading, typing and checks as `prepareTable`,
 * over one file set (the file to score), with no split, no labels and no groups (new data need not
 * have them), and every row read (`limitRows` is a preparation setting).
 */
import { resolve } from 'node:path';
import { ConfigError } from '@dtrn/base';
import { resolveTableConfig } from '../config/resolve-config.js';
import type { SplitName, TableConfig } from '../config/types.js';

export interface ScoringSource {
  /** A file (or glob) to score instead of the config's files, relative to the working directory. */
  readonly file?: string;
  /** With `files` in the config and no `file`: the split whose files to score. Default `test`. */
  readonly split?: SplitName;
}

function chosenFiles(raw: Record<string, unknown>, source: ScoringSource): unknown {
  if (source.file !== undefined) return resolve(source.file);
  if (raw.file !== undefined) return raw.file;
  const files = raw.files as Record<string, unknown> | undefined;
  const split = source.split ?? 'test';
  const chosen = files?.[split];
  if (chosen === undefined) {
    throw new ConfigError(`the dataset config has no files.${split} to score`, {
      expected: `a file to score (--data <file>), or files.${split} in the config`,
    });
  }
  return chosen;
}

/** Resolves `rawConfig` (as parsed from `configPath`) for scoring `source`. */
export function resolveScoringConfig(
  rawConfig: unknown,
  configPath: string,
  source: ScoringSource,
): TableConfig {
  const raw = { ...(rawConfig as Record<string, unknown>) };
  const file = chosenFiles(raw, source);
  delete raw.files;
  delete raw.split;
  delete raw.limitRows;
  const config = resolveTableConfig({ ...raw, file }, resolve(configPath));
  if (config.sequences?.kind === 'events') {
    throw new ConfigError(
      'scoring does not build sequences from an event log (dataset config.sequences.events)',
      {
        expected: 'behaviour sequences from list columns of the file to score',
      },
    );
  }
  // New data is scored without splits or groups (labels are not read either: see scoreTable).
  return { ...config, split: undefined, group: undefined };
}
