/** Reads JSON or YAML config files and merges preset, file and command-line values. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ConfigError } from '@dtrn/base';
import { parse as parseYaml } from 'yaml';

export type PlainObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep merge: objects merge key by key, anything else (arrays included) replaces. `undefined`
 * values in `override` are ignored, so unset flags keep the preset's value.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const merged: PlainObject = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(base[key], value);
  return merged;
}

/** Reads a `.json`, `.yaml` or `.yml` config file into a plain object. */
export async function readConfigFile(path: string): Promise<PlainObject> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}`, {
      expected: 'a readable .json, .yaml or .yml file',
      found: (error as Error).message,
    });
  }
  const extension = extname(path).toLowerCase();
  let value: unknown;
  try {
    if (extension === '.json') value = JSON.parse(text);
    else if (extension === '.yaml' || extension === '.yml') value = parseYaml(text);
    else {
      throw new ConfigError(`config file ${path}: unknown extension "${extension}"`, {
        expected: '.json, .yaml or .yml',
      });
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`config file ${path} does not parse: ${(error as Error).message}`);
  }
  if (!isPlainObject(value)) {
    throw new ConfigError(`config file ${path}: expected an object at the top level`, {
      found: Array.isArray(value) ? 'an array' : typeof value,
    });
  }
  return value;
}
