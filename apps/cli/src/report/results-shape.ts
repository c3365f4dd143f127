/**
 * The shape of results.json as the report reads it: every array and field the tables and charts
 * index into. results.json is an untrusted file (copied between machines, edited by hand), so a
 * report of a broken one is a DataError naming the file and the field, never a TypeError from deep
 * inside a chart. Unknown keys are allowed (later minor versions add fields).
 */
import { DataError } from '@dtrn/base';
import * as z from 'zod';

const value = z.number().nullable();
const meanStd = z.object({ mean: value, std: value, n: z.number() });
const interval = z.object({ lower: z.number(), upper: z.number() });

const inspection = z.object({
  fieldWeights: z
    .array(z.object({ task: z.number(), fields: z.array(z.string()), weights: z.array(z.number()) }))
    .optional(),
  gates: z
    .array(z.object({ gate: z.string(), task: z.number().nullable(), expertWeights: z.array(z.number()) }))
    .optional(),
});

const gainShape = z.object({
  model: z.string(),
  base: z.string(),
  task: z.string(),
  estimate: z.number(),
  lower: z.number(),
  upper: z.number(),
  probabilityPositive: z.number(),
  perSeed: z.array(z.number()),
  excludedSeeds: z.array(z.number()).optional(),
  verdict: z.string(),
});

const modelRun = z.object({
  model: z.string(),
  seed: z.number(),
  test: z.array(z.object({ task: z.string(), auc: value })),
  history: z.array(
    z.object({
      epoch: z.number(),
      trainLossPerTask: z.array(value),
      validationAuc: z.array(value),
    }),
  ),
  inspection: inspection.nullable().optional(),
});

const resultsShape = z.object({
  kind: z.string(),
  name: z.string(),
  data: z.string(),
  description: z.string().optional(),
  createdAt: z.string(),
  seconds: z.number(),
  backend: z.object({ summary: z.string() }),
  tasks: z.array(z.string()),
  models: z.array(z.string()),
  seeds: z.array(z.number()),
  runs: z.array(modelRun),
  summary: z.array(
    z.object({
      model: z.string(),
      tasks: z.array(
        z.object({
          task: z.string(),
          auc: meanStd,
          gauc: meanStd,
          logloss: meanStd,
          aucInterval: interval.nullable().optional(),
        }),
      ),
    }),
  ),
  gains: z.array(gainShape),
  transfer: z.array(gainShape).optional(),
  oracles: z.array(z.object({ task: z.string(), kind: z.string(), auc: meanStd })),
  check: z.object({
    applicable: z.boolean(),
    note: z.string(),
    threshold: z.number(),
    passed: z.boolean().nullable(),
    tasks: z.array(
      z.object({
        task: z.string(),
        modelAuc: z.number(),
        sequenceOnlyOracleAuc: z.number(),
        recovered: z.number(),
        passed: z.boolean(),
      }),
    ),
  }),
});

/** `runs[2].history[0].validationAuc` from a zod issue path. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/** Throws a DataError naming `file` and the first field that does not fit what the report reads. */
export function checkResultsShape(json: unknown, file: string): void {
  const parsed = resultsShape.safeParse(json);
  if (parsed.success) return;
  const issue = parsed.error.issues[0]!;
  throw new DataError(`results.json does not hold what the report reads: ${issue.message}`, {
    where: { file, field: fieldPath(issue.path) || '(top level)' },
    expected: 'a results.json written by dtrn compare, train or evaluate',
  });
}
