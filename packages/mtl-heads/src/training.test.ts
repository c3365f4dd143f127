/**
 * Training on the MMoE paper's synthetic data. The comparison sweep runs on the wasm backend only
 * (the cpu backend is ~40x slower; CI runs both projects, so it runs once there); the short
 * "every head trains" check runs on both backends.
 *
 * Why a 1-unit bottleneck: with binary labels (y_k thresholded at its median) the learnable signal
 * is mostly w_k.x (the ten high-frequency sine terms act as noise at this data size), so any shared
 * representation of width >= 2 carries both tasks and Shared-Bottom matches MMoE (we measured
 * equal AUCs with [32] and [16, 2] bottoms). With one unit, a shared bottom must pick one direction:
 * at p = 0 it loses one task, at p = 0.9 it does not; MMoE's per-task mixtures of 1-unit experts keep
 * both. That is the paper's claim (Shared-Bottom degrades as task correlation falls, MMoE less), made
 * visible at CI scale.
 */
import { describe, expect, it } from 'vitest';
import { mmoeHead } from './mmoe.js';
import { pleHead } from './ple.js';
import { sharedBottomHead } from './shared-bottom.js';
import { generateMmoeSynthetic } from './testing/mmoe-synthetic.js';
import { type TrainResult, trainHead } from './testing/train-head.js';

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const onWasm = process.env.DTRN_TEST_BACKEND === 'wasm';

const SHARED_BOTTOM = { bottomUnits: [16, 1], towerUnits: [8] };
const MMOE = { numExperts: 4, expertUnits: [16, 1], towerUnits: [8] };
const PLE = { numLevels: 1, numTaskExperts: 1, numSharedExperts: 2, expertUnits: [16, 1], towerUnits: [8] };

describe('training on MMoE synthetic data', () => {
  it('a 2-task model of every head lowers its held-out loss on both tasks', () => {
    const data = generateMmoeSynthetic({ numSamples: 1300, inputDim: 8, correlation: 0.5, seed: 7 });
    const options = { numTrain: 1000, epochs: 3, batchSize: 50, learningRate: 0.02, seed: 7 };
    const raw = { towerUnits: [4] };
    for (const [head, args] of [
      [sharedBottomHead, { ...raw, bottomUnits: [8] }],
      [mmoeHead, { ...raw, numExperts: 3, expertUnits: [8] }],
      [pleHead, { ...raw, numLevels: 2, numTaskExperts: 1, numSharedExperts: 1, expertUnits: [16] }],
    ] as const) {
      const result = trainHead(head, args, data, options);
      result.finalLoss.forEach((loss, task) => {
        expect(loss, `${head.name} task ${task}`).toBeLessThan(result.initialLoss[task]! - 0.03);
      });
      for (const auc of result.auc) expect(auc, head.name).toBeGreaterThan(0.65);
    }
  });

  if (onWasm) {
    it('MMoE beats Shared-Bottom at low task correlation; both match at high correlation (3 seeds)', () => {
      const options = { numTrain: 3000, epochs: 5, batchSize: 128, learningRate: 0.01 };
      const runs: Record<string, TrainResult[]> = {};
      for (const correlation of [0, 0.9]) {
        for (const seed of [1, 2, 3]) {
          const data = generateMmoeSynthetic({ numSamples: 4000, inputDim: 16, correlation, seed });
          for (const [name, head, args] of [
            ['shared-bottom', sharedBottomHead, SHARED_BOTTOM],
            ['mmoe', mmoeHead, MMOE],
            ...(seed === 1 ? ([['ple', pleHead, PLE]] as const) : []),
          ] as const) {
            const key = `${name}@${correlation}`;
            runs[key] = [...(runs[key] ?? []), trainHead(head, args, data, { ...options, seed })];
          }
        }
      }
      const auc = (key: string) => mean(runs[key]!.flatMap((r) => r.auc));
      const worstTaskAuc = (key: string) => mean(runs[key]!.map((r) => Math.min(...r.auc)));
      // Low correlation: the shared 1-unit bottom serves one task; MMoE serves both.
      expect(auc('mmoe@0')).toBeGreaterThan(auc('shared-bottom@0') + 0.05);
      expect(worstTaskAuc('mmoe@0')).toBeGreaterThan(0.68);
      expect(worstTaskAuc('shared-bottom@0')).toBeLessThan(0.65);
      // High correlation: one direction serves both tasks, so Shared-Bottom is fine again.
      expect(worstTaskAuc('shared-bottom@0.9')).toBeGreaterThan(0.68);
      expect(Math.abs(auc('mmoe@0.9') - auc('shared-bottom@0.9'))).toBeLessThan(0.05);
      // PLE (CGC) keeps both tasks too.
      expect(worstTaskAuc('ple@0')).toBeGreaterThan(0.68);
      const table = Object.entries(runs).map(
        ([key, results]) =>
          `${key}: AUC ${auc(key).toFixed(3)} (worst task ${worstTaskAuc(key).toFixed(3)}, ${results.length} seeds)`,
      );
      console.log(`MMoE synthetic, 1-unit bottleneck:\n${table.join('\n')}`);
      // 24 trainings: about 22 s alone, over 120 s when a loaded machine runs other suites alongside.
    }, 300_000);
  }
});
