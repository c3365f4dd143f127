/** Quoting for SQL text built from config values (column names, paths, markers). */

/** A quoted identifier: `"my ""col"""`. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A quoted string literal: `'it''s'`. */
export function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A list literal of strings: `['a', 'b']` (typed VARCHAR[] even when empty). */
export function literalList(values: readonly string[]): string {
  return values.length === 0 ? '[]::VARCHAR[]' : `[${values.map(literal).join(', ')}]`;
}

/** A finite number as SQL (DOUBLE). */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`numberLiteral: ${value} is not finite`);
  return `${value}::DOUBLE`;
}
