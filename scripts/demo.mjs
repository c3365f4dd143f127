// What works today, end to end on generated data: scores from a known model, then the metrics
// package's AUC, GAUC, logloss, a per-task report and bootstrap confidence intervals.
// Run from the repository root after `pnpm build`: pnpm demo
import { createRng } from '@dtrn/base';
import { bootstrapCi, formatReportTable, MultiTaskAccumulator, pairedBootstrapDiff } from '@dtrn/metrics';

const samples = 200_000;
const rng = createRng(2023);
const users = new Int32Array(samples);
const labels = [new Float32Array(samples), new Float32Array(samples)];
const weak = [new Float32Array(samples), new Float32Array(samples)];
const strong = [new Float32Array(samples), new Float32Array(samples)];
const sigmoid = (x) => 1 / (1 + Math.exp(-x));
for (let i = 0; i < samples; i++) {
  users[i] = rng.int(5_000);
  const signal = rng.normal();
  const click = rng.next() < sigmoid(1.5 * signal - 1) ? 1 : 0;
  const conversion = click && rng.next() < sigmoid(signal - 0.5) ? 1 : 0;
  labels[0][i] = click;
  labels[1][i] = conversion;
  const noise = rng.normal();
  for (const [task, scale] of [
    [0, 1.5],
    [1, 1.0],
  ]) {
    weak[task][i] = sigmoid(scale * (0.6 * signal + 0.8 * noise));
    strong[task][i] = sigmoid(scale * (0.8 * signal + 0.6 * noise));
  }
}

const clickedOnly = labels[0];
for (const [name, probs] of [
  ['weak model', weak],
  ['strong model', strong],
]) {
  const accumulator = new MultiTaskAccumulator(['click', 'conversion']);
  for (let start = 0; start < samples; start += 4096) {
    const end = Math.min(samples, start + 4096);
    accumulator.add({
      labels: labels.map((l) => l.subarray(start, end)),
      probs: probs.map((p) => p.subarray(start, end)),
      masks: [undefined, clickedOnly.subarray(start, end)],
      groups: users.subarray(start, end),
    });
  }
  console.log(`\n## ${name} (conversion evaluated on clicked samples only)\n`);
  console.log(formatReportTable(accumulator.report()));
}

const ci = bootstrapCi(labels[0], strong[0], { resamples: 200, seed: 1 });
const diff = pairedBootstrapDiff(labels[0], weak[0], strong[0], { resamples: 200, seed: 1 });
console.log(
  `\nclick AUC of the strong model: ${ci.estimate.toFixed(4)} (95% CI ${ci.lower.toFixed(4)} to ${ci.upper.toFixed(4)})`,
);
console.log(
  `paired gain over the weak model: ${diff.estimate.toFixed(4)} (95% CI ${diff.lower.toFixed(4)} to ${diff.upper.toFixed(4)}, ` +
    `P(gain > 0) = ${diff.probabilityPositive.toFixed(3)})`,
);
