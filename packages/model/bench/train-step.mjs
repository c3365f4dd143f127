// One training step of the benchmark loops: prepare (row gather), forward, gradients of the rows and
// of every dense variable, lazy Adam on the touched rows, tf.train.adam on the dense weights.
import * as tf from '@tensorflow/tfjs-core';
import { bce } from './bce.mjs';

/** A step function for `model` on a fixed `batch`, with its own Adam; dispose with `.dispose()`. */
export function trainStepper(model, batch, learningRate = 0.001) {
  const optimizer = tf.train.adam(learningRate);
  const variables = [...model.variableGroups.shared, ...model.variableGroups.perTask.flat()];
  let step = 0;
  const train = () => {
    const prepared = model.prepare(batch, { training: true, seed: step });
    const { value, grads } = tf
      .engine()
      .gradients(
        () => bce(model.forward(prepared, { training: true, seed: step }), batch.labels),
        [...prepared.sparseInputs, ...variables],
        undefined,
        true,
      );
    const n = prepared.sparseInputs.length;
    prepared.applySparseGradients(grads.slice(0, n));
    optimizer.applyGradients(variables.map((v, i) => ({ name: v.name, tensor: grads[n + i] })));
    const loss = value.dataSync()[0];
    tf.dispose([value, ...grads]);
    prepared.dispose();
    step++;
    return loss;
  };
  train.dispose = () => optimizer.dispose();
  return train;
}
