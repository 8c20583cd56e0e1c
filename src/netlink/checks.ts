// Run-time checks of what callers pass in. TypeScript's types do not reach a
// caller in plain JavaScript, so every public entry point checks its
// arguments' types and shapes itself and refuses anything else with an
// InvalidArgumentError that names the argument, what it expects and what it got.
import { InvalidArgumentError } from './addresses.js';

/** How a value reads in an error message: `the string "pod1"`, `null`, `an array`, `the number NaN`. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'undefined': return 'undefined';
    case 'string': return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
    case 'number': return `the number ${String(value)}`;
    case 'bigint': return `the bigint ${String(value)}n`;
    case 'boolean': return String(value);
    case 'symbol': return 'a symbol';
    case 'function': return 'a function';
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (Buffer.isBuffer(value)) return 'a Buffer';
  const name = Object.getPrototypeOf(value)?.constructor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `a ${name}` : 'an object';
}

/**
 * JSON.stringify of a value for an error message, never throwing: a BigInt,
 * a cycle or a throwing toJSON make JSON.stringify throw, and a function or
 * a symbol make it return undefined; those read as describeValue says.
 */
export function jsonOf(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    if (typeof text === 'string') return text;
  } catch {
    // described below
  }
  return describeValue(value);
}

/**
 * String(value) for an error message, never throwing: a symbol, an object
 * without a prototype or with a throwing or non-function toString make
 * String() throw; those read as describeValue says.
 */
export function textOf(value: unknown): string {
  if (typeof value === 'symbol') return describeValue(value);
  try {
    return String(value);
  } catch {
    return describeValue(value);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** An object argument (not null, not an array). `example` shows the expected shape in the message. */
export function requireObject<T extends object = Record<string, unknown>>(value: unknown, what: string, example?: string): T {
  if (!isPlainObject(value)) {
    throw new InvalidArgumentError(`${what} must be an object${example ? ` like ${example}` : ''}, got ${describeValue(value)}`);
  }
  return value as T;
}

/** An optional options object: undefined gives `fallback`; null, strings, arrays and the like are refused, never defaulted. */
export function optionalObject<T extends object>(value: unknown, what: string, fallback: T, example?: string): T {
  return value === undefined ? fallback : requireObject<T>(value, what, example);
}

/** Refuses keys an object does not have (`{ nets: 'pod1' }` would otherwise be ignored). */
export function requireKnownKeys(object: object, allowed: ReadonlySet<string>, what: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.has(key) && (object as Record<string, unknown>)[key] !== undefined) {
      throw new InvalidArgumentError(`${what} has no option "${key}"; known options are ${[...allowed].join(', ')}`);
    }
  }
}

export function requireArray<T = unknown>(value: unknown, what: string): T[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(`${what} must be an array, got ${describeValue(value)}`);
  return value as T[];
}

export function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new InvalidArgumentError(`${what} must be a string, got ${describeValue(value)}`);
  return value;
}

export function requireNonEmptyString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`${what} must be a non-empty string, got ${describeValue(value)}`);
  return value;
}

export function requireBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${what} must be true or false, got ${describeValue(value)}`);
  return value;
}

/** An optional flag of a spec: false when absent, else it must be a boolean. */
export function optionalBoolean(value: unknown, what: string): boolean {
  return value === undefined ? false : requireBoolean(value, what);
}

/** An integer in [min, max]; NaN, fractions, strings and out-of-range values are refused. */
export function requireInteger(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

export function requireFunction<T extends (...args: never[]) => unknown>(value: unknown, what: string): T {
  if (typeof value !== 'function') throw new InvalidArgumentError(`${what} must be a function, got ${describeValue(value)}`);
  return value as T;
}

/** One of a fixed set of strings; own keys only, so `"toString"` is not mistaken for one. */
export function requireOneOf<T extends string>(value: unknown, what: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new InvalidArgumentError(`${what} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describeValue(value)}`);
  }
  return value as T;
}

/** A Map argument (ifindex → name tables of the ip-json converters). */
export function requireMap<K, V>(value: unknown, what: string): ReadonlyMap<K, V> {
  if (!(value instanceof Map)) throw new InvalidArgumentError(`${what} must be a Map, got ${describeValue(value)}`);
  return value;
}

/** A socket argument of a connection class: anything with the request methods (a NetlinkSocket, or a wrapper of one). */
export function requireSocket(value: unknown, what: string, opener: string): void {
  const socket = value as { execute?: unknown; executeAsync?: unknown } | null;
  if (socket === null || typeof socket !== 'object' || typeof socket.execute !== 'function' || typeof socket.executeAsync !== 'function') {
    throw new InvalidArgumentError(`${what}: socket must be a NetlinkSocket (or open the connection with ${opener}), got ${describeValue(value)}`);
  }
}
