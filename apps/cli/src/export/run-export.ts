/**
 * `dtrn export`: the model a `dtrn train` run saved (`<run>/model`, loaded with @dtrn/model's
 * `loadModel`) as one ONNX graph plus `<out>.json` (inputs, outputs, vocabularies), through
 * @dtrn/onnx. The vocabularies come from the run's `vocabularies.json` (written by `dtrn train` for
 * real data), else from the saved model's manifest; synthetic data has none (ids are rows).
 */
import { join } from 'node:path';
import { ConfigError, DataError } from '@dtrn/base';
import type { BackendPreference } from '@dtrn/core';
import type { VocabularyJson } from '@dtrn/data';
import { exportOnnx } from '@dtrn/onnx';
import { writeOnnxExport } from '@dtrn/onnx/node';
import { readVocabularies } from '../data/load-data.js';
import type { ProgressMode, ProgressReporter } from '../runtime/progress.js';
import { reporterOf } from '../runtime/progress.js';
import { RUN_FILES } from '../runtime/run-directory.js';
import { loadRunModel } from '../runtime/run-model.js';

export const EXPORT_FORMATS = ['onnx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface RunExportOptions {
  /** A run directory written by `dtrn train`. */
  readonly run: string;
  readonly format?: ExportFormat;
  /** The graph file; the metadata goes to `<out>.json`. */
  readonly out: string;
  readonly backend?: BackendPreference;
  readonly progress?: ProgressMode | ProgressReporter;
}

export interface ExportOutcome {
  readonly graph: string;
  readonly metadata: string;
  readonly graphBytes: number;
  readonly inputs: number;
  readonly outputs: readonly string[];
  /** Id spaces whose raw-id vocabulary the metadata carries. */
  readonly vocabularies: readonly string[];
}

function manifestVocabularies(value: unknown, file: string): Record<string, VocabularyJson> | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new DataError('the saved model has vocabularies in a form dtrn export does not read', {
      where: { file },
      expected: '{ [idSpace]: VocabularyJson } (Vocabulary.toJSON() by id space)',
    });
  }
  return value as Record<string, VocabularyJson>;
}

export async function runExport(options: RunExportOptions): Promise<ExportOutcome> {
  const format = options.format ?? 'onnx';
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new ConfigError(`dtrn export: unknown format "${format}"`, { expected: EXPORT_FORMATS.join(', ') });
  }
  const progress = reporterOf(options.progress);
  const { run, loaded } = await loadRunModel(options.run, options.backend, progress);
  try {
    const vocabularies =
      (await readVocabularies(run.path)) ??
      manifestVocabularies(loaded.vocabularies, join(run.path, RUN_FILES.model, 'manifest.json'));
    if (!vocabularies) progress.info('no raw-id vocabularies in the run: the graph takes table rows as ids');
    const exported = exportOnnx(loaded.model, { vocabularies });
    const written = await writeOnnxExport(exported, options.out);
    const outcome: ExportOutcome = {
      graph: written.graph,
      metadata: written.metadata,
      graphBytes: written.graphBytes,
      inputs: exported.metadata.inputs.length,
      outputs: exported.metadata.outputs.map((output) => output.name),
      vocabularies: exported.metadata.idSpaces.filter((s) => s.vocabulary).map((s) => s.name),
    };
    progress.json({ type: 'exported', format, ...outcome });
    progress.result(
      `exported ${run.path} to ${written.graph} (${(written.graphBytes / 2 ** 20).toFixed(1)} MiB, ONNX opset ${exported.metadata.opset}): ` +
        `${outcome.inputs} inputs, outputs ${outcome.outputs.join(', ')}; inputs and vocabularies in ${written.metadata}`,
    );
    return outcome;
  } finally {
    loaded.model.dispose();
  }
}
