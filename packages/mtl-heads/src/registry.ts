/** Heads by name. The built-in heads register themselves here exactly as a new head would. */
import { ConfigError, closestMatch } from '@dtrn/base';
import { aitmHead } from './aitm.js';
import type { MtlHeadBaseArgs, MtlHeadDefinition } from './contract.js';
import { esmmHead } from './esmm.js';
import { mmoeHead } from './mmoe.js';
import { pleHead } from './ple.js';
import { sharedBottomHead } from './shared-bottom.js';

// biome-ignore lint/suspicious/noExplicitAny: the registry stores heads of any argument and params types
export type AnyMtlHeadDefinition = MtlHeadDefinition<any, any>;

const heads = new Map<string, AnyMtlHeadDefinition>();

const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const REQUIRED_METHODS = [
  'resolveArgs',
  'buildParams',
  'createParams',
  'forward',
  'variables',
  'parameterCount',
  'describeGates',
] as const;

export interface RegisterHeadOptions {
  /** Replace a head already registered under the same name. Default false. */
  readonly replace?: boolean;
}

/**
 * Registers a head under `definition.name` (kebab-case, e.g. `mmoe`), so `getHead` and the
 * `DtrnMtlHead` layer find it. Registering the same definition object twice is a no-op.
 *
 * @throws ConfigError for a bad name, a missing method, or a different head already under that name
 *   (unless `replace`).
 */
export function registerHead<Args extends MtlHeadBaseArgs, Params>(
  definition: MtlHeadDefinition<Args, Params>,
  options: RegisterHeadOptions = {},
): MtlHeadDefinition<Args, Params> {
  if (typeof definition?.name !== 'string' || !NAME_PATTERN.test(definition.name)) {
    throw new ConfigError('registerHead: invalid head name', {
      expected: 'a kebab-case name such as "mmoe" or "shared-bottom"',
      found: definition?.name,
    });
  }
  for (const method of REQUIRED_METHODS) {
    if (typeof definition[method] !== 'function') {
      throw new ConfigError(`registerHead: head "${definition.name}" has no ${method}()`, {
        expected: `a function ${method} (use defineHead to add createParams and variables)`,
        found: definition[method],
      });
    }
  }
  checkSizing(definition);
  const existing = heads.get(definition.name);
  if (existing && existing !== definition && !options.replace) {
    throw new ConfigError(`registerHead: a different head is already registered as "${definition.name}"`, {
      expected: 'a new name, or { replace: true }',
      found: definition.name,
    });
  }
  heads.set(definition.name, definition as AnyMtlHeadDefinition);
  return definition;
}

/** A head's size metadata: apps size heads through it, so it must be there and well formed. */
function checkSizing(definition: AnyMtlHeadDefinition): void {
  const family = definition.family;
  if (
    typeof family?.name !== 'string' ||
    !NAME_PATTERN.test(family.name) ||
    typeof family.sizesAt !== 'function'
  ) {
    throw new ConfigError(`registerHead: head "${definition.name}" has no valid family`, {
      expected: 'a family { name (kebab-case), sizesAt(scale) }, e.g. EXPERT_FAMILY',
      found: family,
    });
  }
  const sizes = definition.presetSizes;
  if (typeof sizes !== 'object' || sizes === null || Array.isArray(sizes)) {
    throw new ConfigError(`registerHead: head "${definition.name}" has no presetSizes`, {
      expected: 'an object of size arguments, e.g. { expertUnits: [256, 128], towerUnits: [64] }',
      found: sizes,
    });
  }
}

/** The head registered under `name`. @throws ConfigError naming the closest registered name. */
export function getHead(name: string): AnyMtlHeadDefinition {
  const found = typeof name === 'string' ? heads.get(name) : undefined;
  if (found) return found;
  const names = headNames();
  const match = typeof name === 'string' ? closestMatch(name, names) : undefined;
  throw new ConfigError(`unknown head "${String(name)}"${match ? `; did you mean "${match}"?` : ''}`, {
    expected: `one of ${names.map((n) => `"${n}"`).join(', ')}`,
    found: name,
  });
}

/** Registered head names, sorted. */
export function headNames(): string[] {
  return [...heads.keys()].sort();
}

/** Removes a head (for tests and plugins that unload). Returns whether it was registered. */
export function unregisterHead(name: string): boolean {
  return heads.delete(name);
}

registerHead(sharedBottomHead);
registerHead(mmoeHead);
registerHead(pleHead);
registerHead(esmmHead);
registerHead(aitmHead);
