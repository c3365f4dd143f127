/**
 * Backend choice inside the training worker: hardware WebGL 2 (through OffscreenCanvas), else wasm,
 * else cpu. wasm and cpu go through @dtrn/core's `selectBackend` with loaders; WebGL is probed
 * here first because core's selector has no WebGL candidate (its candidates are the Node ones plus
 * wasm and cpu). The wasm binaries are bundled by Vite (`?url`), so the page works offline.
 */
import { type BackendCandidate, selectBackend } from '@dtrn/core';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';
import type { PlaygroundBackend } from '../config/playground-config.js';
import type { BackendAttemptInfo, BackendInfo } from '../protocol.js';

/** Every binary tfjs-backend-wasm may ask for (threaded only under cross-origin isolation). */
const WASM_PATHS = {
  'tfjs-backend-wasm.wasm': wasmPlainUrl,
  'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
};

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|basic render/i;

export interface WebglProbe {
  readonly usable: boolean;
  readonly software: boolean;
  readonly reason: string;
}

/** Checks for a WebGL 2 context in this (worker) scope and whether it is a software rasteriser. */
export function probeWebgl(): WebglProbe {
  if (typeof OffscreenCanvas === 'undefined') {
    return { usable: false, software: false, reason: 'no OffscreenCanvas in this worker' };
  }
  let gl: WebGL2RenderingContext | null = null;
  try {
    gl = new OffscreenCanvas(1, 1).getContext('webgl2');
  } catch (error) {
    return { usable: false, software: false, reason: `WebGL 2 context failed: ${String(error)}` };
  }
  if (!gl) return { usable: false, software: false, reason: 'no WebGL 2 context (GPU disabled or blocked)' };
  const debug = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  if (SOFTWARE_RENDERERS.test(renderer)) {
    return { usable: true, software: true, reason: `software WebGL (${renderer}) is slower than wasm` };
  }
  return { usable: true, software: false, reason: `WebGL 2 on ${renderer}` };
}

async function tryWebgl(probe: WebglProbe): Promise<BackendAttemptInfo> {
  if (!probe.usable) return { backend: 'webgl', status: 'skipped', reason: probe.reason };
  try {
    await import('@tensorflow/tfjs-backend-webgl');
    if (!(await tf.setBackend('webgl'))) {
      return { backend: 'webgl', status: 'failed', reason: "tf.setBackend('webgl') returned false" };
    }
    await tf.ready();
    return { backend: 'webgl', status: 'selected', reason: probe.reason };
  } catch (error) {
    return {
      backend: 'webgl',
      status: 'failed',
      reason: error instanceof Error ? error.message : String(error),
    };
  }
}

async function tryCore(candidate: Extract<BackendCandidate, 'wasm' | 'cpu'>): Promise<BackendAttemptInfo> {
  try {
    await selectBackend(candidate, {
      loaders: {
        wasm: async () => {
          const wasm = await import('@tensorflow/tfjs-backend-wasm');
          wasm.setWasmPaths(WASM_PATHS);
        },
        cpu: () => import('@tensorflow/tfjs-backend-cpu'),
      },
    });
    return { backend: candidate, status: 'selected' };
  } catch (error) {
    return {
      backend: candidate,
      status: 'failed',
      reason: error instanceof Error ? error.message : String(error),
    };
  }
}

async function wasmDetails(): Promise<string> {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  return `SIMD ${simd ? 'on' : 'off'}, ${wasm.getThreadsCount()} thread(s)`;
}

function summarise(name: string, attempts: readonly BackendAttemptInfo[]): string {
  const skipped = attempts
    .filter((attempt) => attempt.status !== 'selected')
    .map((attempt) => `${attempt.backend}: ${attempt.reason ?? attempt.status}`);
  return skipped.length > 0 ? `${name} (skipped ${skipped.join('; ')})` : name;
}

/**
 * Selects a backend for `preference` and reports every attempt. `auto` skips software WebGL;
 * an explicit `webgl` uses it anyway. Throws when the preferred backend (or, for `auto`, every
 * backend) fails.
 */
export async function selectPlaygroundBackend(preference: PlaygroundBackend): Promise<BackendInfo> {
  const order: readonly Exclude<PlaygroundBackend, 'auto'>[] =
    preference === 'auto' ? ['webgl', 'wasm', 'cpu'] : [preference];
  const attempts: BackendAttemptInfo[] = [];
  for (const backend of order) {
    let attempt: BackendAttemptInfo;
    if (backend === 'webgl') {
      const probe = probeWebgl();
      const skipSoftware = preference === 'auto' && probe.software;
      attempt = skipSoftware
        ? { backend: 'webgl', status: 'skipped', reason: probe.reason }
        : await tryWebgl(probe);
    } else {
      attempt = await tryCore(backend);
    }
    attempts.push(attempt);
    if (attempt.status === 'selected') {
      const name = tf.getBackend();
      const details = name === 'wasm' ? await wasmDetails() : undefined;
      return { name, summary: summarise(name, attempts), attempts, ...(details ? { details } : {}) };
    }
  }
  throw new Error(`no usable tfjs backend for "${preference}": ${summarise('none', attempts)}`);
}
