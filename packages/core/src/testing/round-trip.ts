import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

export interface RoundTripResult {
  /** Largest absolute difference between the outputs before and after save/load. */
  readonly maxAbsoluteDifference: number;
  /** The saved artifacts (topology JSON and weight data), for further checks. */
  readonly artifacts: tf.io.ModelArtifacts;
}

function outputsOf(model: tfl.LayersModel, inputs: tf.Tensor | tf.Tensor[]): Float32Array[] {
  return tf.tidy(() => {
    const out = model.predict(inputs);
    return (Array.isArray(out) ? out : [out]).map((t) => t.dataSync().slice() as Float32Array);
  });
}

/**
 * Saves a LayersModel to memory (topology through the class registry, weights as binary), loads it
 * back, and compares both models' predictions on `inputs`. Throws if the output counts or shapes
 * differ; returns the largest absolute difference. The loaded model is disposed.
 */
export async function saveLoadRoundTrip(
  model: tfl.LayersModel,
  inputs: tf.Tensor | tf.Tensor[],
): Promise<RoundTripResult> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (saved) => {
      artifacts = saved;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!artifacts) throw new Error('saveLoadRoundTrip: the model saved no artifacts');
  // Serialize the topology through JSON text, as a file would.
  const reparsed: tf.io.ModelArtifacts = {
    ...artifacts,
    modelTopology: JSON.parse(JSON.stringify(artifacts.modelTopology)),
  };
  const loaded = await tfl.loadLayersModel(tf.io.fromMemory(reparsed));
  try {
    const before = outputsOf(model, inputs);
    const after = outputsOf(loaded, inputs);
    if (before.length !== after.length) {
      throw new Error(`saveLoadRoundTrip: ${before.length} outputs before, ${after.length} after loading`);
    }
    let maxAbsoluteDifference = 0;
    before.forEach((values, i) => {
      const other = after[i]!;
      if (values.length !== other.length) throw new Error(`saveLoadRoundTrip: output ${i} changed size`);
      for (let j = 0; j < values.length; j++) {
        maxAbsoluteDifference = Math.max(maxAbsoluteDifference, Math.abs(values[j]! - other[j]!));
      }
    });
    return { maxAbsoluteDifference, artifacts };
  } finally {
    loaded.dispose();
  }
}

/** Rebuilds a layer from `getConfig()` through the registry and returns the new layer's config. */
export function configRoundTrip(layer: tfl.layers.Layer): tf.serialization.ConfigDict {
  const config = JSON.parse(JSON.stringify(layer.getConfig())) as tf.serialization.ConfigDict;
  const cls = layer.constructor as unknown as tf.serialization.SerializableConstructor<tfl.layers.Layer>;
  const rebuilt =
    tf.serialization.SerializationMap.getMap().classNameMap[
      (cls as unknown as { className: string }).className
    ];
  if (!rebuilt)
    throw new Error(
      `configRoundTrip: ${(cls as unknown as { className: string }).className} is not registered`,
    );
  const [, fromConfig] = rebuilt;
  const copy = fromConfig(rebuilt[0], config) as tfl.layers.Layer;
  return copy.getConfig();
}
