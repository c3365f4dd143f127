/**
 * The training worker: receives `start` with a config, selects a backend, runs the comparison and
 * posts every event to the page; `stop` aborts the run after the current step (the trained part is
 * still evaluated and reported). One run at a time.
 */

import { runComparison } from '../comparison/run-comparison.js';
import { resolvePlaygroundConfig } from '../config/playground-config.js';
import type { BackendInfo, WorkerEvent, WorkerRequest } from '../protocol.js';
import { selectPlaygroundBackend } from './select-backend.js';

interface WorkerScope {
  postMessage(message: WorkerEvent): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<WorkerRequest>) => void): void;
}

const scope = self as unknown as WorkerScope;
let running: AbortController | null = null;
let backend: { readonly preference: string; readonly info: BackendInfo } | null = null;

function post(event: WorkerEvent): void {
  scope.postMessage(event);
}

async function start(request: Extract<WorkerRequest, { type: 'start' }>): Promise<void> {
  if (running) {
    post({ type: 'error', name: 'StateError', message: 'a comparison is already running; stop it first' });
    return;
  }
  const controller = new AbortController();
  running = controller;
  try {
    const config = resolvePlaygroundConfig(request.config, 'playground config');
    if (!backend || backend.preference !== config.backend) {
      backend = { preference: config.backend, info: await selectPlaygroundBackend(config.backend) };
    }
    post({ type: 'backend', backend: backend.info });
    await runComparison(config, { emit: post, signal: controller.signal });
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    post({
      type: 'error',
      name: failure.name,
      message: failure.message,
      ...(failure.stack ? { stack: failure.stack } : {}),
    });
  } finally {
    running = null;
  }
}

scope.addEventListener('message', (event) => {
  const request = event.data;
  if (request.type === 'stop') running?.abort();
  else if (request.type === 'start') void start(request);
});
