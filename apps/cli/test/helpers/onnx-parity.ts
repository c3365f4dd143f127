/** ONNX Runtime on a `dtrn train` run's test split against the run's own `predict` (CLI export tests). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sliceRows } from '@dtrn/data';
import { loadModel } from '@dtrn/model';
import { FileStorage } from '@dtrn/model/node';
import { batchToOnnxInputs, type OnnxExportMetadata } from '@dtrn/onnx';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { resolveTrainConfig } from '../../src/compare/run-train.js';
import { loadData } from '../../src/data/load-data.js';

/** Expects the exported graph `onnxFile` to give the run's probabilities on 100 test rows, to 1e-5. */
export async function expectOnnxMatchesPredict(run: string, onnxFile: string): Promise<void> {
  const metadata = JSON.parse(readFileSync(`${onnxFile}.json`, 'utf8')) as OnnxExportMetadata;
  const { kind: _kind, ...input } = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
  const trainConfig = resolveTrainConfig(input);
  const test = sliceRows((await loadData(trainConfig.data, trainConfig.seed)).test, 0, 100);
  const { model } = await loadModel(new FileStorage(run), 'model');
  try {
    const expected = model.predict(test);
    const session = await ort.InferenceSession.create(onnxFile);
    const feeds = Object.fromEntries(
      Object.entries(batchToOnnxInputs(metadata, test.schema, test)).map(([name, t]) => [
        name,
        new ort.Tensor(t.type, t.data, [...t.dims]),
      ]),
    );
    const outputs = await session.run(feeds);
    model.taskNames.forEach((task, k) => {
      const actual = outputs[task]!.data as Float32Array;
      for (let i = 0; i < test.size; i++)
        expect(Math.abs(actual[i]! - expected[k]![i]!)).toBeLessThanOrEqual(1e-5);
    });
    await session.release();
  } finally {
    model.dispose();
  }
}
