/** Reads a table config file (YAML or JSON) into a plain object. */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { ConfigError, parseJson } from '@dtrn/base';
import { parse as parseYaml } from 'yaml';

export async function readTableConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read dataset config ${path}`, {
      expected: 'a readable .yaml, .yml or .json file',
      found: (error as Error).message,
    });
  }
  const extension = extname(path).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(extension)) {
    throw new ConfigError(`dataset config ${path}: unknown extension "${extension}"`, {
      expected: '.yaml, .yml or .json',
    });
  }
  let value: unknown;
  if (extension === '.json') value = parseJson(text, { file: path, error: 'config' });
  else {
    try {
      value = parseYaml(text);
    } catch (error) {
      throw new ConfigError(`dataset config ${path} does not parse: ${(error as Error).message}`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(`dataset config ${path}: expected an object at the top level`, { found: value });
  }
  return value as Record<string, unknown>;
}
