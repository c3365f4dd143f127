/**
 * The two ways `dtrn predict` runs a model: `tfjs` (the loaded model's `predict`, on the backend
 * the app selected) and `onnx` (the same model exported in memory by @dtrn/onnx and run by
 * onnxruntime-node, an optional dependency imported only for this engine).
 */
import { ConfigError } from '@dtrn/base';
import type { Batch } from '@dtrn/data';
import type { RecommenderModel } from '@dtrn/model';
import { batchToOnnxInputs, exportOnnx } from '@dtrn/onnx';

export const ENGINES = ['tfjs', 'onnx'] as const;
export type EngineName = (typeof ENGINES)[number];

export interface ScoringEngine {
  readonly name: EngineName;
  /** Probabilities per task, [B] each, in the model's task order. */
  score(batch: Batch): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

type OnnxRuntime = typeof import('onnxruntime-node');

const ONNX_RUNTIME = 'onnxruntime-node';

async function importOnnxRuntime(): Promise<OnnxRuntime> {
  try {
    const loaded = (await import(/* @vite-ignore */ ONNX_RUNTIME)) as OnnxRuntime & { default?: OnnxRuntime };
    return loaded.InferenceSession ? loaded : loaded.default!;
  } catch (error) {
    throw new ConfigError(
      `--engine onnx needs onnxruntime-node, which cannot be loaded: ${(error as Error).message}`,
      {
        expected: 'npm install onnxruntime-node (its CPU binaries ship inside the package)',
        cause: error,
      },
    );
  }
}

export function tfjsEngine(model: RecommenderModel): ScoringEngine {
  return {
    name: 'tfjs',
    score: async (batch) => model.predict(batch),
    dispose: async () => {},
  };
}

export async function onnxEngine(model: RecommenderModel): Promise<ScoringEngine> {
  const ort = await importOnnxRuntime();
  const exported = exportOnnx(model);
  // No spinning intra-op threads: they busy-wait between kernels, which on a shared or small
  // machine costs more than it saves (the @dtrn/onnx serving benchmark: MMoE 2.5x over tfjs with
  // ONNX Runtime's default spinning threads, 6.1x without).
  const session = await ort.InferenceSession.create(exported.bytes, {
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const { metadata } = exported;
  return {
    name: 'onnx',
    async score(batch) {
      const feeds: Record<string, InstanceType<OnnxRuntime['Tensor']>> = {};
      for (const [name, input] of Object.entries(batchToOnnxInputs(metadata, model.schema, batch))) {
        feeds[name] = new ort.Tensor(input.type, input.data, [...input.dims]);
      }
      const outputs = await session.run(feeds);
      return metadata.outputs.map((output) => outputs[output.name]!.data as Float32Array);
    },
    dispose: () => session.release(),
  };
}
