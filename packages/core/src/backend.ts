/**
 * Backend selection for apps (libraries never pick a backend). `auto` tries the best available in
 * order tensorflow-gpu > tensorflow > wasm > cpu and reports why each better one was skipped.
 *
 * Core never imports a backend package: the app passes loaders, e.g.
 * `{ wasm: () => import('@tensorflow/tfjs-backend-wasm'), 'tensorflow-gpu': () => import('@tensorflow/tfjs-node-gpu') }`,
 * so the import resolves from the app's own dependencies.
 */
import { checkEnum, DtrnError } from '@dtrn/base';
import * as tf from '@tensorflow/tfjs-core';

export const BACKEND_CANDIDATES = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendCandidate = (typeof BACKEND_CANDIDATES)[number];
export type BackendPreference = 'auto' | BackendCandidate;
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', ...BACKEND_CANDIDATES];

/** The npm package that provides each candidate. */
export const BACKEND_PACKAGES: Readonly<Record<BackendCandidate, string>> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/** The tfjs backend name each candidate registers (both node packages register `tensorflow`). */
const TFJS_BACKEND_NAMES: Readonly<Record<BackendCandidate, string>> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

/** Imports the package of a candidate (registering its backend). */
export type BackendLoader = () => Promise<unknown>;
export type BackendLoaders = Partial<Record<BackendCandidate, BackendLoader>>;

export type AttemptStatus =
  | 'selected'
  | 'not-installed'
  | 'failed-to-load'
  | 'failed-to-initialise'
  | 'no-loader';

export interface BackendAttempt {
  readonly candidate: BackendCandidate;
  readonly status: AttemptStatus;
  /** Why it was skipped (the loader's error message, or what failed). */
  readonly reason?: string;
}

export interface BackendSelection {
  readonly preference: BackendPreference;
  readonly candidate: BackendCandidate;
  /** `tf.getBackend()` after selection. */
  readonly backendName: string;
  /** Every candidate tried, in order, the selected one last. */
  readonly attempts: readonly BackendAttempt[];
  /** One line for logs, e.g. `wasm (skipped tensorflow-gpu: not installed; tensorflow: not installed)`. */
  readonly summary: string;
}

export interface SelectBackendOptions {
  readonly loaders: BackendLoaders;
  /** Called after a backend is set, e.g. to tune wasm threads. */
  readonly onSelected?: (candidate: BackendCandidate) => void | Promise<void>;
}

function isModuleNotFound(error: unknown, packageName: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : '';
  const notFoundCode = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
  return (
    (notFoundCode || /Cannot find (module|package)|Failed to resolve module/.test(text)) &&
    text.includes(packageName)
  );
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.split('\n')[0] ?? text;
  return firstLine.length > 300 ? `${firstLine.slice(0, 297)}...` : firstLine;
}

async function tryCandidate(candidate: BackendCandidate, loaders: BackendLoaders): Promise<BackendAttempt> {
  const loader = loaders[candidate];
  if (!loader) return { candidate, status: 'no-loader', reason: 'no loader was provided for it' };
  try {
    await loader();
  } catch (error) {
    if (isModuleNotFound(error, BACKEND_PACKAGES[candidate])) {
      return {
        candidate,
        status: 'not-installed',
        reason: `${BACKEND_PACKAGES[candidate]} is not installed`,
      };
    }
    return { candidate, status: 'failed-to-load', reason: describeError(error) };
  }
  const name = TFJS_BACKEND_NAMES[candidate];
  try {
    const ok = await tf.setBackend(name);
    if (!ok)
      return { candidate, status: 'failed-to-initialise', reason: `tf.setBackend('${name}') returned false` };
    await tf.ready();
  } catch (error) {
    return { candidate, status: 'failed-to-initialise', reason: describeError(error) };
  }
  return { candidate, status: 'selected' };
}

function summarise(candidate: BackendCandidate, attempts: readonly BackendAttempt[]): string {
  const skipped = attempts
    .filter((a) => a.status !== 'selected')
    .map((a) => `${a.candidate}: ${a.reason ?? a.status}`);
  return skipped.length > 0 ? `${candidate} (skipped ${skipped.join('; ')})` : candidate;
}

/**
 * Selects and initialises a tfjs backend. With `auto`, tries tensorflow-gpu, tensorflow, wasm, cpu
 * in order and keeps the first that loads and initialises. With a named backend, only that one.
 *
 * @throws DtrnError when no candidate works; the message lists every attempt and its reason.
 */
export async function selectBackend(
  preference: BackendPreference,
  options: SelectBackendOptions,
): Promise<BackendSelection> {
  checkEnum(preference, BACKEND_PREFERENCES, 'backend');
  const candidates: readonly BackendCandidate[] = preference === 'auto' ? BACKEND_CANDIDATES : [preference];
  const attempts: BackendAttempt[] = [];
  for (const candidate of candidates) {
    const attempt = await tryCandidate(candidate, options.loaders);
    attempts.push(attempt);
    if (attempt.status === 'selected') {
      await options.onSelected?.(candidate);
      return {
        preference,
        candidate,
        backendName: tf.getBackend(),
        attempts,
        summary: summarise(candidate, attempts),
      };
    }
  }
  const detail = attempts.map((a) => `${a.candidate}: ${a.reason ?? a.status}`).join('; ');
  throw new DtrnError(`no usable tfjs backend for preference "${preference}" (${detail})`);
}
