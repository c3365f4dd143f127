// dtrn predict throughput, tfjs (wasm) against onnx (onnxruntime-node), on a prepared set of about
// 100k rows: the synthetic control setting with 125,000 samples (its train split), an MMoE trained
// for a few steps (speed does not depend on the weights). The engines alternate, each window a
// fresh `dtrn predict` process; the figure is the command's own scoring rate (rows/s from the
// first batch to the committed file, without process start and model load). Medians reported.
//   node apps/cli/bench/predict.bench.mjs [--windows 5] [--model mmoe] [--keep-files]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const windows = Number(option('windows', '5'));
const model = option('model', 'mmoe');
const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');
const dir = join(tmpdir(), 'dtrn-predict-bench');
const dtrn = (argv) =>
  execFileSync(process.execPath, [bin, ...argv], { encoding: 'utf8', maxBuffer: 2 ** 26 });

mkdirSync(dir, { recursive: true });
const prepared = join(dir, 'prepared');
if (!existsSync(join(prepared, 'train', 'manifest.json'))) {
  writeFileSync(join(dir, 'generator.yaml'), 'numSamples: 125000\n');
  dtrn([
    'prepare',
    'synthetic',
    '--setting',
    'control',
    '--size',
    'small',
    '--config',
    join(dir, 'generator.yaml'),
    '--out',
    prepared,
    '--quiet',
  ]);
}
const run = join(dir, `run-${model}`);
if (!existsSync(join(run, 'model', 'manifest.json'))) {
  rmSync(run, { recursive: true, force: true });
  dtrn([
    'train',
    '--model',
    model,
    '--preset',
    'quick',
    '--data',
    prepared,
    '--max-steps',
    '5',
    '--out',
    run,
    '--quiet',
    '--backend',
    'wasm',
  ]);
}

const rates = { tfjs: [], onnx: [] };
let rows = 0;
const loadBefore = loadavg()[0];
for (let w = 0; w < windows; w++) {
  for (const engine of ['tfjs', 'onnx']) {
    const out = join(dir, `preds-${engine}.csv`);
    const text = dtrn([
      'predict',
      '--run',
      run,
      '--data',
      prepared,
      '--split',
      'train',
      '--out',
      out,
      '--engine',
      engine,
      '--backend',
      'wasm',
      '--overwrite',
      '--jsonl',
    ]);
    const result = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
      .find((r) => r.type === 'predictions');
    rows = result.rows.scored;
    rates[engine].push(result.rowsPerSecond);
    process.stderr.write(
      `window ${w + 1}/${windows} ${engine}: ${Math.round(result.rowsPerSecond)} rows/s\n`,
    );
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const summary = {
  model,
  rows,
  windows,
  cpu: cpus()[0]?.model,
  loadAverage: { before: loadBefore, after: loadavg()[0] },
  tfjsRowsPerSecond: Math.round(median(rates.tfjs)),
  onnxRowsPerSecond: Math.round(median(rates.onnx)),
  ratio: Number(median(rates.onnx.map((r, i) => r / rates.tfjs[i])).toFixed(2)),
  all: rates,
};
console.log(JSON.stringify(summary, null, 2));
if (!args.includes('--keep-files')) rmSync(join(dir), { recursive: true, force: true });
