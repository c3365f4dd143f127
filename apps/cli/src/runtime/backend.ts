/**
 * Backend selection for the app through @dtrn/core's selector. The two native packages are optional
 * (their install downloads libtensorflow): they are imported through a variable specifier, so
 * neither TypeScript nor the bundler needs them at build time.
 */
import { type BackendPreference, type BackendSelection, selectBackend } from '@dtrn/core';

const TFJS_NODE_GPU = '@tensorflow/tfjs-node-gpu';
const TFJS_NODE = '@tensorflow/tfjs-node';

function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}

let current: BackendSelection | undefined;

/**
 * Selects and initialises the tfjs backend once per process (`auto` tries tensorflow-gpu,
 * tensorflow, wasm, cpu). A later call with another preference switches backends.
 */
export async function useBackend(preference: BackendPreference): Promise<BackendSelection> {
  if (current && current.preference === preference) return current;
  current = await selectBackend(preference, {
    loaders: {
      'tensorflow-gpu': () => importOptional(TFJS_NODE_GPU),
      tensorflow: () => importOptional(TFJS_NODE),
      wasm: () => import('@tensorflow/tfjs-backend-wasm'),
      cpu: () => import('@tensorflow/tfjs-backend-cpu'),
    },
  });
  return current;
}

/** What results record about the backend. */
export interface BackendRecord {
  readonly preference: BackendPreference;
  readonly selected: string;
  readonly tfjsBackend: string;
  readonly summary: string;
  readonly attempts: BackendSelection['attempts'];
}

export function backendRecord(selection: BackendSelection): BackendRecord {
  return {
    preference: selection.preference,
    selected: selection.candidate,
    tfjsBackend: selection.backendName,
    summary: selection.summary,
    attempts: selection.attempts,
  };
}
