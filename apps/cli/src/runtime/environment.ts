/** What a run records about where it ran: backend, versions, seed, machine, git commit. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, platform, release, totalmem } from 'node:os';
import type { BackendRecord } from './backend.js';
import type { WorkersRecord } from './workers.js';

const require = createRequire(import.meta.url);

const PACKAGES = [
  '@dtrn/cli',
  '@dtrn/base',
  '@dtrn/core',
  '@dtrn/data',
  '@dtrn/datasets',
  '@dtrn/metrics',
  '@dtrn/model',
  '@dtrn/trainer',
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-layers',
  '@tensorflow/tfjs-backend-wasm',
] as const;

function packageVersion(name: string): string | null {
  try {
    const path =
      name === '@dtrn/cli'
        ? new URL('../package.json', import.meta.url)
        : require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

function gitCommit(): string | null {
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    })
      .toString()
      .trim();
    return dirty ? `${commit}+dirty` : commit;
  } catch {
    return null;
  }
}

export interface Environment {
  readonly createdAt: string;
  readonly command: string;
  readonly backend: BackendRecord;
  /** Threads that train and why (`--workers`). */
  readonly workers: WorkersRecord;
  readonly seeds: readonly number[];
  readonly node: string;
  readonly packages: Readonly<Record<string, string | null>>;
  readonly machine: {
    readonly platform: string;
    readonly release: string;
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryBytes: number;
    /** `MALLOC_MMAP_THRESHOLD_` of the process (set by the binary on Linux, runtime/allocator.ts), or null. */
    readonly mallocMmapThreshold: string | null;
  };
  readonly gitCommit: string | null;
}

export function collectEnvironment(
  command: string,
  backend: BackendRecord,
  workers: WorkersRecord,
  seeds: readonly number[],
): Environment {
  const processors = cpus();
  return {
    createdAt: new Date().toISOString(),
    command,
    backend,
    workers,
    seeds,
    node: process.version,
    packages: Object.fromEntries(PACKAGES.map((name) => [name, packageVersion(name)])),
    machine: {
      platform: platform(),
      release: release(),
      cpus: processors.length,
      cpuModel: processors[0]?.model ?? 'unknown',
      memoryBytes: totalmem(),
      mallocMmapThreshold: process.env.MALLOC_MMAP_THRESHOLD_ ?? null,
    },
    gitCommit: gitCommit(),
  };
}
