/**
 * Entry of a data-parallel worker thread (built to `dist/parallel-worker.js`; started by
 * `fitParallel`, never imported by users). Selects its own tfjs backend, builds its model copy
 * from the ModelSpec, then answers the coordinator's requests one at a time, in order.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { serializeError, type WorkerRequest, type WorkerResponse } from './protocol.js';
import { WorkerSession } from './worker-session.js';

async function selectBackend(name: string): Promise<void> {
  // Resolved from the trainer's location: the backend packages are optional peer dependencies, so the
  // app's copy (the one the coordinator uses) is the one linked here.
  await import(`@tensorflow/tfjs-backend-${name}`);
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend "${name}" failed to initialise`);
  await tf.ready();
}

const port = parentPort;
if (!port) throw new Error('@dtrn/trainer parallel-worker: run only as a worker thread');

let session: WorkerSession | null = null;

function requireSession(): WorkerSession {
  if (!session) throw new Error('parallel worker: not initialised');
  return session;
}

async function handle(request: WorkerRequest): Promise<{ result: unknown; transfer?: ArrayBuffer[] }> {
  switch (request.type) {
    case 'init':
      await selectBackend(request.backend);
      session = await WorkerSession.create(request);
      return { result: session.describe() };
    case 'shareEmbeddings':
      return { result: requireSession().shareEmbeddings() };
    case 'useSharedEmbeddings':
      requireSession().useSharedEmbeddings(request.handle);
      return { result: null };
    case 'describe':
      return { result: requireSession().sparseShapes(request.batch) };
    case 'denseExchange':
      requireSession().setDenseExchange(request.exchange);
      return { result: null };
    case 'sparseExchange':
      requireSession().setSparseExchange(request.exchange);
      return { result: null };
    case 'compute':
      return { result: requireSession().compute(request) };
    case 'apply':
      return { result: requireSession().apply(request) };
    case 'discard':
      requireSession().discard();
      return { result: null };
    case 'predict': {
      const probabilities = requireSession().predict(request.batch);
      return { result: probabilities, transfer: probabilities.map((p) => p.buffer as ArrayBuffer) };
    }
    case 'getState':
      return { result: requireSession().getState() };
    case 'setState':
      requireSession().setState(request);
      return { result: null };
    case 'dispose':
      session?.dispose();
      session = null;
      return { result: null };
  }
}

// Requests are handled strictly in arrival order (the coordinator relies on it).
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: { id: number; request: WorkerRequest }) => {
  queue = queue.then(async () => {
    let response: WorkerResponse;
    let transfer: ArrayBuffer[] = [];
    try {
      const handled = await handle(message.request);
      response = { id: message.id, result: handled.result };
      transfer = handled.transfer ?? [];
    } catch (error) {
      response = { id: message.id, error: serializeError(error) };
    }
    port.postMessage(response, transfer);
    // After answering `compute`, prepare the sparse update while the other workers still compute
    // (replicated mode only; a no-op with shared embeddings).
    if (message.request.type === 'compute' && 'result' in response) {
      try {
        session?.prepareUpdate();
      } catch {
        // Reported by `apply`, which prepares again.
      }
    }
  });
});
