import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { type BackendLoaders, selectBackend } from './backend.js';

const original = tf.getBackend();
afterAll(async () => {
  await tf.setBackend(original);
});

function notInstalled(pkg: string) {
  return async () => {
    const error = new Error(`Cannot find package '${pkg}' imported from /app/index.js`) as Error & {
      code: string;
    };
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  };
}

// The cpu and wasm backends are registered by the test setup, so their loaders can be no-ops.
const present = async () => undefined;

describe('selectBackend', () => {
  it('auto falls back past missing and broken node backends and says why', async () => {
    const loaders: BackendLoaders = {
      'tensorflow-gpu': notInstalled('@tensorflow/tfjs-node-gpu'),
      tensorflow: async () => {
        throw new Error('The Node.js native addon module (tfjs_binding.node) can not be found at path: /x');
      },
      wasm: present,
      cpu: present,
    };
    const selection = await selectBackend('auto', { loaders });
    expect(selection.candidate).toBe('wasm');
    expect(selection.backendName).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(selection.attempts.map((a) => [a.candidate, a.status])).toEqual([
      ['tensorflow-gpu', 'not-installed'],
      ['tensorflow', 'failed-to-load'],
      ['wasm', 'selected'],
    ]);
    expect(selection.summary).toBe(
      'wasm (skipped tensorflow-gpu: @tensorflow/tfjs-node-gpu is not installed; tensorflow: The Node.js native addon module (tfjs_binding.node) can not be found at path: /x)',
    );
  });

  it('auto reaches cpu when wasm fails to initialise or has no loader', async () => {
    const selection = await selectBackend('auto', {
      loaders: { wasm: present, cpu: present, tensorflow: notInstalled('@tensorflow/tfjs-node') },
      onSelected: () => undefined,
    }).then(async () => selectBackend('auto', { loaders: { cpu: present } }));
    expect(selection.candidate).toBe('cpu');
    expect(selection.attempts.map((a) => a.status)).toEqual([
      'no-loader',
      'no-loader',
      'no-loader',
      'selected',
    ]);
  });

  it('reports a backend that loads but does not register as failed to initialise', async () => {
    const error = await selectBackend('tensorflow', { loaders: { tensorflow: present } }).catch(
      (e: Error) => e,
    );
    expect(String(error)).toContain('no usable tfjs backend for preference "tensorflow"');
    expect(String(error)).toContain('tensorflow:');
  });

  it('uses only the named backend and calls onSelected', async () => {
    const seen: string[] = [];
    const selection = await selectBackend('cpu', {
      loaders: { cpu: present, wasm: present },
      onSelected: (c) => void seen.push(c),
    });
    expect(selection.attempts).toEqual([{ candidate: 'cpu', status: 'selected' }]);
    expect(seen).toEqual(['cpu']);
    expect(selection.summary).toBe('cpu');
  });

  it('rejects an unknown preference naming the closest', async () => {
    await expect(selectBackend('wsam' as 'wasm', { loaders: {} })).rejects.toThrow(
      'backend is invalid; did you mean "wasm"?',
    );
  });
});
