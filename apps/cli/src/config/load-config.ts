/**
 * Reads JSON or YAML config files and merges preset, file and command-line values. Files are read
 * through the checked reader (a regular file of at most 16 MiB) and parsed strictly: duplicate keys,
 * numbers that overflow a double (`1e309`) and `__proto__` keys are errors naming the key; a UTF-8
 * byte order mark is accepted in both formats.
 */
import { extname } from 'node:path';
import { ConfigError, describeJsonType, parseJson } from '@dtrn/base';
import { readUserText } from '@dtrn/base/node';
import { parse as parseYaml } from 'yaml';

export type PlainObject = Record<string, unknown>;

/** Largest config file read. */
export const MAX_CONFIG_BYTES = 16 * 2 ** 20;

function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Refuses what YAML lets through but a config cannot mean: non-finite numbers, `__proto__` keys. */
function checkYamlValues(value: unknown, path: string, file: string): void {
  const where = path || '(top level)';
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new ConfigError(`config file ${file}: ${where} is ${value}`, {
      expected: 'a finite number (a value beyond ±1.8e308 overflows a double)',
    });
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkYamlValues(item, `${path}[${i}]`, file);
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      const child = path ? `${path}.${key}` : key;
      if (key === '__proto__')
        throw new ConfigError(`config file ${file}: the key "${child}" is not allowed`);
      checkYamlValues(value[key], child, file);
    }
  }
}

function parseConfigText(text: string, path: string): unknown {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return parseJson(text, { file: path, error: 'config' });
  if (extension !== '.yaml' && extension !== '.yml') {
    throw new ConfigError(`config file ${path}: unknown extension "${extension}"`, {
      expected: '.json, .yaml or .yml',
    });
  }
  let value: unknown;
  try {
    value = parseYaml(text); // duplicate keys are errors (the yaml package's default)
  } catch (error) {
    throw new ConfigError(`config file ${path} does not parse: ${(error as Error).message}`);
  }
  checkYamlValues(value, '', path);
  return value;
}

/** Reads a `.json`, `.yaml` or `.yml` config file into a plain object. */
export async function readConfigFile(path: string): Promise<PlainObject> {
  const text = await readUserText(path, { maxBytes: MAX_CONFIG_BYTES });
  const value = parseConfigText(text, path);
  if (!isPlainObject(value)) {
    const yamlEmpty = extname(path).toLowerCase() !== '.json' && (value === null || value === undefined);
    const found = yamlEmpty
      ? 'the file is empty (or holds only comments)'
      : `found ${describeJsonType(value)}`;
    throw new ConfigError(
      `config file ${path}: ${found}; expected an object of settings at the top level (keys such as name, data, training)`,
    );
  }
  return value;
}
