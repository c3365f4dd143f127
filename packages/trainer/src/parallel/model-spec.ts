/**
 * How a worker thread builds its copy of the model: a module to import, the name of an export
 * that builds a `MultiTaskModel` (a function, or a class called with `new`), and the positional
 * arguments (structured-cloneable: plain objects, arrays, numbers, strings, typed arrays). Every
 * worker calls it with the same arguments, so a seeded factory gives identical copies.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assertKnownKeys, assertPlainObject, ConfigError } from '@dtrn/base';
import type { MultiTaskModel } from '@dtrn/core';
import type { Batch } from '@dtrn/data';

export interface ModelSpec {
  /**
   * What the worker imports: a `file:` URL or absolute path (for a package, resolve it in your
   * own module with `import.meta.resolve('your-package')`), or a bare specifier resolvable from
   * `@dtrn/trainer`. Required.
   */
  readonly module: string;
  /** The export to call. Default `'default'`. */
  readonly exportName?: string;
  /**
   * Positional arguments of the export, e.g. `[schema, modelArgs]` for `@dtrn/model`'s
   * `createModel`. Default `[]`. Must survive structured cloning (no functions).
   */
  readonly args?: readonly unknown[];
}

export interface ResolvedModelSpec {
  readonly module: string;
  readonly exportName: string;
  readonly args: readonly unknown[];
}

const KEYS = ['module', 'exportName', 'args'] as const;

/** Validates a spec strictly (unknown keys name the closest valid one) and fills the defaults. */
export function resolveModelSpec(spec: unknown, where = 'ModelSpec'): ResolvedModelSpec {
  assertPlainObject(spec, where);
  assertKnownKeys(spec, KEYS, where);
  const { module, exportName = 'default', args = [] } = spec as Partial<ModelSpec>;
  if (typeof module !== 'string' || module.length === 0) {
    throw new ConfigError(`${where}.module must name a module`, {
      expected: "a file URL, an absolute path or a package name, e.g. import.meta.resolve('@dtrn/model')",
      found: module,
    });
  }
  if (typeof exportName !== 'string' || exportName.length === 0) {
    throw new ConfigError(`${where}.exportName must be a non-empty string`, { found: exportName });
  }
  if (!Array.isArray(args)) {
    throw new ConfigError(`${where}.args must be an array of positional arguments`, {
      expected: 'e.g. [schema, modelArgs]',
      found: args,
    });
  }
  try {
    structuredClone(args);
  } catch (cause) {
    throw new ConfigError(`${where}.args cannot be sent to a worker thread`, {
      expected: 'structured-cloneable values (no functions, class instances with private state, ...)',
      found: String(cause),
      cause,
    });
  }
  return { module, exportName, args };
}

/** Absolute paths become file URLs; URLs and package names are imported as given. */
function importTarget(module: string): string {
  return isAbsolute(module) ? pathToFileURL(module).href : module;
}

function isClass(value: unknown): boolean {
  return typeof value === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

function looksLikeModel(value: unknown): value is MultiTaskModel<Batch> {
  const model = value as Partial<MultiTaskModel<Batch>> | null;
  return (
    typeof model === 'object' &&
    model !== null &&
    Array.isArray(model.taskNames) &&
    typeof model.prepare === 'function' &&
    typeof model.forward === 'function' &&
    typeof model.getState === 'function' &&
    typeof model.setState === 'function'
  );
}

/** Imports the spec's module and builds the model in the calling thread (the caller disposes it). */
export async function buildModelFromSpec(spec: ModelSpec): Promise<MultiTaskModel<Batch>> {
  const resolved = resolveModelSpec(spec);
  let namespace: Record<string, unknown>;
  try {
    namespace = (await import(importTarget(resolved.module))) as Record<string, unknown>;
  } catch (cause) {
    throw new ConfigError(`ModelSpec.module "${resolved.module}" could not be imported`, {
      expected: 'a module the worker can import (a file URL, an absolute path, or a package name)',
      found: String(cause),
      cause,
    });
  }
  const factory = namespace[resolved.exportName];
  if (typeof factory !== 'function') {
    const names = Object.keys(namespace).filter((name) => typeof namespace[name] === 'function');
    throw new ConfigError(
      `ModelSpec.exportName "${resolved.exportName}" is not a function of "${resolved.module}"`,
      {
        expected: `one of ${names.map((name) => `"${name}"`).join(', ') || '(no exported functions)'}`,
        found: resolved.exportName,
      },
    );
  }
  const build = factory as (...args: unknown[]) => unknown;
  const model = isClass(build)
    ? new (build as unknown as new (...args: unknown[]) => unknown)(...resolved.args)
    : await build(...resolved.args);
  if (!looksLikeModel(model)) {
    throw new ConfigError(
      `ModelSpec: "${resolved.exportName}" of "${resolved.module}" did not return a model`,
      {
        expected: 'a MultiTaskModel (taskNames, prepare, forward, getState, setState)',
        found: typeof model,
      },
    );
  }
  return model;
}
