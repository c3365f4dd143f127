/**
 * Early stopping on a validation metric chosen by the user: the monitor, its direction, patience
 * and minimum improvement, and a tracker whose state goes into checkpoints.
 */
import {
  assertKnownKeys,
  assertPlainObject,
  ConfigError,
  closestMatch,
  optionalBoolean,
  optionalNumber,
} from '@dtrn/base';
import type { MultiTaskReport } from '@dtrn/metrics';

/**
 * `meanAuc` (default), `minAuc` (the worst task's AUC), `meanGauc`, `meanLogloss`, or one task's
 * `auc:<task>`, `gauc:<task>`, `logloss:<task>`. AUC and GAUC are maximised, logloss minimised.
 * A monitor over several tasks is undefined (null) when one of its tasks' values is: it never
 * selects on a subset of the tasks.
 */
export type MonitorName = string;

export interface EarlyStoppingArgs {
  /** Validation metric to select on. Default `meanAuc`. */
  readonly monitor?: MonitorName;
  /**
   * Non-improving epochs in a row that are tolerated: training stops at the (patience + 1)-th one.
   * Default 2; range: integer >= 0 (0: stop at the first non-improving epoch). Keras's `patience`
   * counts one fewer (it stops at the patience-th), so our `patience: p` matches Keras's `p + 1`.
   */
  readonly patience?: number;
  /** Smallest change that counts as an improvement, in the metric's units. Default 0; range >= 0. */
  readonly minDelta?: number;
  /** Put the best epoch's weights back when training ends. Default true. */
  readonly restoreBestWeights?: boolean;
}

export interface ResolvedEarlyStopping {
  readonly enabled: boolean;
  readonly monitor: Monitor;
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
}

export const DEFAULT_EARLY_STOPPING = Object.freeze({
  monitor: 'meanAuc',
  patience: 2,
  minDelta: 0,
  restoreBestWeights: true,
});

export interface Monitor {
  readonly name: string;
  readonly direction: 'max' | 'min';
  /** The metric's value in a report, or null when undefined (e.g. one class only). */
  read(report: MultiTaskReport): number | null;
  /** Tasks whose validation data must hold both classes for the value to be defined. */
  readonly tasksNeedingBothClasses: readonly string[];
}

const OVER_TASKS = ['meanAuc', 'minAuc', 'meanGauc', 'meanLogloss'] as const;
const PER_TASK = ['auc', 'gauc', 'logloss'] as const;

/** Mean of every value, or null when one is undefined. */
function mean(values: readonly (number | null)[]): number | null {
  if (values.length === 0 || values.some((value) => value === null)) return null;
  return (values as number[]).reduce((a, b) => a + b, 0) / values.length;
}

/** Smallest value, or null when one is undefined. */
function min(values: readonly (number | null)[]): number | null {
  if (values.length === 0 || values.some((value) => value === null)) return null;
  return Math.min(...(values as number[]));
}

/** Parses a monitor name against the task names. */
export function parseMonitor(name: unknown, taskNames: readonly string[], where = 'monitor'): Monitor {
  const valid = [
    ...OVER_TASKS,
    ...PER_TASK.flatMap((metric) => taskNames.map((task) => `${metric}:${task}`)),
  ];
  if (typeof name !== 'string' || !valid.includes(name)) {
    const hint = typeof name === 'string' ? closestMatch(name, valid) : undefined;
    throw new ConfigError(`${where} is invalid${hint ? `; did you mean "${hint}"?` : ''}`, {
      expected: `one of ${valid.join(', ')}`,
      found: name,
    });
  }
  const all = [...taskNames];
  if (name === 'meanAuc' || name === 'minAuc') {
    const combine = name === 'meanAuc' ? mean : min;
    return {
      name,
      direction: 'max',
      read: (report) => combine(report.tasks.map((task) => task.auc)),
      tasksNeedingBothClasses: all,
    };
  }
  if (name === 'meanGauc') {
    return {
      name,
      direction: 'max',
      read: (report) => mean(report.tasks.map((task) => task.gauc)),
      tasksNeedingBothClasses: all,
    };
  }
  if (name === 'meanLogloss') {
    return {
      name,
      direction: 'min',
      read: (report) => mean(report.tasks.map((task) => task.logloss)),
      tasksNeedingBothClasses: [],
    };
  }
  const [metric, task] = name.split(/:(.*)/s) as [(typeof PER_TASK)[number], string];
  const index = taskNames.indexOf(task);
  return {
    name,
    direction: metric === 'logloss' ? 'min' : 'max',
    read: (report) => report.tasks[index]?.[metric] ?? null,
    tasksNeedingBothClasses: metric === 'logloss' ? [] : [task],
  };
}

/** Resolves `FitOptions.earlyStopping` (false: track the best epoch but never stop or restore). */
export function resolveEarlyStopping(
  value: EarlyStoppingArgs | false | undefined,
  taskNames: readonly string[],
  where = 'FitOptions.earlyStopping',
): ResolvedEarlyStopping {
  if (value === false) {
    return {
      enabled: false,
      monitor: parseMonitor(DEFAULT_EARLY_STOPPING.monitor, taskNames),
      patience: 0,
      minDelta: 0,
      restoreBestWeights: false,
    };
  }
  const args = value ?? {};
  assertPlainObject(args, where);
  assertKnownKeys(args, ['monitor', 'patience', 'minDelta', 'restoreBestWeights'], where);
  return {
    enabled: true,
    monitor: parseMonitor(args.monitor ?? DEFAULT_EARLY_STOPPING.monitor, taskNames, `${where}.monitor`),
    patience: optionalNumber(
      args.patience,
      DEFAULT_EARLY_STOPPING.patience,
      { integer: true, min: 0 },
      `${where}.patience`,
    ),
    minDelta: optionalNumber(args.minDelta, DEFAULT_EARLY_STOPPING.minDelta, { min: 0 }, `${where}.minDelta`),
    restoreBestWeights: optionalBoolean(
      args.restoreBestWeights,
      DEFAULT_EARLY_STOPPING.restoreBestWeights,
      `${where}.restoreBestWeights`,
    ),
  };
}

export interface EarlyStoppingState {
  readonly bestValue: number | null;
  readonly bestEpoch: number | null;
  readonly epochsWithoutImprovement: number;
}

export const INITIAL_EARLY_STOPPING_STATE: EarlyStoppingState = Object.freeze({
  bestValue: null,
  bestEpoch: null,
  epochsWithoutImprovement: 0,
});

/** The next state after an epoch's validation value; `improved` when it beats the best by minDelta. */
export function updateEarlyStopping(
  state: EarlyStoppingState,
  settings: ResolvedEarlyStopping,
  value: number | null,
  epoch: number,
): { state: EarlyStoppingState; improved: boolean; shouldStop: boolean } {
  const { direction } = settings.monitor;
  const improved =
    value !== null &&
    (state.bestValue === null ||
      (direction === 'max'
        ? value > state.bestValue + settings.minDelta
        : value < state.bestValue - settings.minDelta));
  const next: EarlyStoppingState = improved
    ? { bestValue: value, bestEpoch: epoch, epochsWithoutImprovement: 0 }
    : { ...state, epochsWithoutImprovement: state.epochsWithoutImprovement + 1 };
  return {
    state: next,
    improved,
    shouldStop: settings.enabled && !improved && next.epochsWithoutImprovement > settings.patience,
  };
}
