/** The Node entry: the graph and its JSON sidecar written to disk, and read back by ONNX Runtime. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModel, modelPreset } from '@dtrn/model';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export-onnx.js';
import type { OnnxExportMetadata } from './metadata.js';
import { writeOnnxExport } from './node.js';
import { SMALL, SMALL_HEADS, syntheticTestRows } from './testing/parity.js';

describe('writeOnnxExport', () => {
  it('writes <file> and <file>.json, readable by ONNX Runtime from the path', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'dtrn-onnx-'));
    const schema = syntheticTestRows(4).schema;
    const model = createModel(schema, modelPreset('ple', { ...SMALL, headArgs: SMALL_HEADS.ple! }));
    try {
      const exported = exportOnnx(model);
      const written = await writeOnnxExport(exported, join(directory, 'ple.onnx'));
      expect(written.graph).toBe(join(directory, 'ple.onnx'));
      expect(written.metadata).toBe(join(directory, 'ple.onnx.json'));
      expect(new Uint8Array(await readFile(written.graph))).toEqual(exported.bytes);
      const metadata = JSON.parse(await readFile(written.metadata, 'utf8')) as OnnxExportMetadata;
      expect(metadata.graph).toBe('ple.onnx');
      expect(metadata.inputs).toEqual(exported.metadata.inputs);
      const session = await ort.InferenceSession.create(written.graph);
      expect([...session.inputNames]).toEqual(metadata.inputs.map((input) => input.name));
      expect([...session.outputNames]).toEqual(['click', 'conversion']);
      await session.release();
    } finally {
      model.dispose();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
