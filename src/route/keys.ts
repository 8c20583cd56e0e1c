// Shape checks of what callers pass, before anything is built: unknown keys,
// optional option objects, and batches of specs.
import { InvalidArgumentError } from '../netlink/addresses.js';
import { describeValue } from '../netlink/checks.js';

/**
 * Refuses properties a spec or filter does not have: `{ dst, via: ... }`
 * would otherwise silently become a route without its gateway.
 */
export function checkKeys(value: object, allowed: ReadonlySet<string>, what: string): void {
  for (const key in value) {
    if (!allowed.has(key)) throw new InvalidArgumentError(`${what} has no option "${key}"; known options are ${[...allowed].join(', ')}`);
  }
}

/** An optional options object: undefined becomes {}, anything but an object is refused. */
export function optionsObject<T extends object>(value: T | undefined, allowed: ReadonlySet<string>, what: string): T {
  if (value === undefined) return {} as T;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidArgumentError(`${what} must be an object, got ${describeValue(value)}`);
  checkKeys(value, allowed, what);
  return value;
}

/** A batch argument: an array, each element validated by `prepare`; errors name the element. */
export function prepareEach<S, P>(specs: readonly S[], what: string, prepare: (spec: S) => P): P[] {
  if (!Array.isArray(specs)) throw new InvalidArgumentError(`${what} must be an array, got ${describeValue(specs)}`);
  const prepared: P[] = new Array(specs.length);
  for (let i = 0; i < specs.length; i++) {
    try {
      prepared[i] = prepare(specs[i]!);
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw new InvalidArgumentError(`${what}[${i}]: ${error.message}`);
      throw error;
    }
  }
  return prepared;
}
