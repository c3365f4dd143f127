/**
 * The coordinator's handle on its worker threads: ordered request/response per worker, errors
 * rethrown in the coordinator as the same kind of dtrn error (with the worker's index), and
 * termination of every worker however the run ends.
 */

import { Worker } from 'node:worker_threads';
import { ConfigError, DataError, DtrnError, ShapeError } from '@dtrn/base';
import type { SerializedError, WorkerRequest, WorkerResponse } from './protocol.js';

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** The built worker script (next to this module in `dist/`). */
export function workerScriptUrl(): URL {
  return new URL('./parallel-worker.js', import.meta.url);
}

function rebuildError(worker: number, error: SerializedError): Error {
  const message = `worker ${worker}: ${error.message}`;
  let rebuilt: Error;
  switch (error.name) {
    case 'ConfigError':
      rebuilt = new ConfigError(message);
      break;
    case 'ShapeError':
      rebuilt = new ShapeError(message);
      break;
    case 'DataError':
      rebuilt = new DataError(message);
      break;
    case 'DtrnError':
      rebuilt = new DtrnError(message);
      break;
    default:
      rebuilt = new Error(message);
  }
  if (error.stack) rebuilt.stack = `${rebuilt.name}: ${message}\n--- in the worker ---\n${error.stack}`;
  return rebuilt;
}

class WorkerHandle {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;

  constructor(
    readonly index: number,
    readonly thread: Worker,
  ) {
    thread.on('message', (response: WorkerResponse) => {
      const entry = this.pending.get(response.id);
      if (!entry) return;
      this.pending.delete(response.id);
      if ('error' in response) entry.reject(rebuildError(index, response.error));
      else entry.resolve(response.result);
    });
    thread.on('error', (error) =>
      this.fail(rebuildError(index, { name: error.name, message: error.message })),
    );
    thread.on('exit', (code) => this.fail(new Error(`worker ${index} exited (code ${code})`)));
  }

  request<T>(request: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.thread.postMessage({ id, request }, transfer);
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const entry of this.pending.values()) entry.reject(this.failure);
    this.pending.clear();
  }
}

export class WorkerPool {
  private constructor(private readonly handles: readonly WorkerHandle[]) {}

  /** Starts `count` worker threads running the parallel-worker script. */
  static start(count: number, script: URL = workerScriptUrl()): WorkerPool {
    const handles: WorkerHandle[] = [];
    try {
      for (let index = 0; index < count; index++) {
        handles.push(new WorkerHandle(index, new Worker(script, { name: `dtrn-parallel-${index}` })));
      }
    } catch (error) {
      for (const handle of handles) void handle.thread.terminate();
      throw error;
    }
    return new WorkerPool(handles);
  }

  get size(): number {
    return this.handles.length;
  }

  request<T>(worker: number, request: WorkerRequest, transfer?: ArrayBuffer[]): Promise<T> {
    return this.handles[worker]!.request<T>(request, transfer);
  }

  /** The same request to every worker; results in worker order (rejects on the first failure). */
  all<T>(request: WorkerRequest | ((worker: number) => WorkerRequest)): Promise<T[]> {
    return Promise.all(
      this.handles.map((handle) =>
        handle.request<T>(typeof request === 'function' ? request(handle.index) : request),
      ),
    );
  }

  /** Asks every worker to free its model, then stops the threads. */
  async close(timeoutMs = 10_000): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([
      Promise.allSettled(this.handles.map((handle) => handle.request({ type: 'dispose' }))),
      timeout,
    ]);
    clearTimeout(timer);
    await Promise.allSettled(this.handles.map((handle) => handle.thread.terminate()));
  }
}
