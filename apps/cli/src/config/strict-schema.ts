/**
 * Strict zod schemas with messages that name the key path and, for unknown keys and bad enum
 * values, the closest valid choice (`closestMatch` from @dtrn/base). zod does the validation; this
 * file only shapes its issues into one `ConfigError`.
 */
import { ConfigError, closestMatch } from '@dtrn/base';
import * as z from 'zod';

function quoteList(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

/** A strict object: unknown keys are issues that list the valid keys and the closest one. */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const validKeys = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const parts = issue.keys.map((key) => {
        const closest = closestMatch(key, validKeys);
        return `unknown key "${key}"${closest ? `; did you mean "${closest}"?` : ''}`;
      });
      return `${parts.join('; ')} (valid keys: ${validKeys.join(', ')})`;
    },
  });
}

/** Error map for issues whose message should quote the value found. */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'invalid_value') {
    const values = issue.values.filter((value) => typeof value === 'string') as string[];
    const found = issue.input;
    const closest = typeof found === 'string' ? closestMatch(found, values) : undefined;
    return `invalid value ${JSON.stringify(found)}${closest ? `; did you mean "${closest}"?` : ''} (expected one of ${quoteList(issue.values)})`;
  }
  if (issue.code === 'invalid_union' && issue.discriminator !== undefined) {
    const allowed = (issue.options ?? []) as readonly unknown[];
    const options = allowed.filter((value): value is string => typeof value === 'string');
    const found = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
    const closest = typeof found === 'string' ? closestMatch(found, options) : undefined;
    return `invalid ${issue.discriminator} ${JSON.stringify(found)}${closest ? `; did you mean "${closest}"?` : ''} (expected one of ${quoteList(allowed)})`;
  }
  if (issue.code === 'invalid_type') {
    const input = issue.input;
    const found =
      input === undefined
        ? 'nothing'
        : typeof input === 'number' && !Number.isFinite(input)
          ? `${input} (not a finite number)`
          : JSON.stringify(input);
    return `expected ${issue.expected}, found ${found}`;
  }
  return undefined;
};

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path)
    text += typeof part === 'number' ? `[${part}]` : `${text ? '.' : ''}${String(part)}`;
  return text;
}

/** One line per issue: `where.key.path: message`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], where: string): string[] {
  return issues.map((issue) => {
    const path = formatPath(issue.path);
    return `${path ? `${where}.${path}` : where}: ${issue.message}`;
  });
}

/**
 * Parses `input` with `schema`; on failure throws one `ConfigError` listing every issue with its key
 * path (e.g. `compare config.training: unknown key "epoch"; did you mean "epochs"?`).
 */
export function parseStrict<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  where: string,
): z.output<Schema> {
  const result = schema.safeParse(input, { error: errorMap });
  if (result.success) return result.data;
  const lines = formatIssues(result.error.issues, where);
  throw new ConfigError(lines.length === 1 ? lines[0]! : `invalid configuration:\n  ${lines.join('\n  ')}`);
}
