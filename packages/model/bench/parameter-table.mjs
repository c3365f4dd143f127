// Parameter counts of every preset on the synthetic `demo` schema (20k users, 5k items, L = 50,
// d = 40), computed by building each model. Prints the README's Markdown table.
// Run: node bench/parameter-table.mjs
import '@tensorflow/tfjs-backend-cpu';
import { generateMultiBehaviorData, syntheticPreset } from '@dtrn/datasets';
import * as tf from '@tensorflow/tfjs-core';
import { createModel, MODEL_PRESET_NAMES, modelPreset } from '../dist/index.js';

await tf.setBackend('cpu');
const data = generateMultiBehaviorData(syntheticPreset('control', 'demo', { numSamples: 2_000 }));
const format = (n) => n.toLocaleString('en');
console.log('| preset | bottom | head | bottom dense | head dense | dense total | embedding |');
console.log('| --- | --- | --- | ---: | ---: | ---: | ---: |');
for (const name of MODEL_PRESET_NAMES) {
  const args = modelPreset(name);
  const model = createModel(data.schema, args);
  const counts = model.parameterBreakdown();
  const head = `${args.head}${args.singleTask ? ' (K = 1, per task)' : ''}`;
  console.log(
    `| \`${name}\` | ${args.bottom} | ${head} | ${format(counts.bottom)} | ${format(counts.head)} | ${format(counts.dense)} | ${format(counts.embedding)} |`,
  );
  model.dispose();
}
