import { InvalidArgumentError } from '../../netlink/addresses.js';
import { describeValue } from '../../netlink/checks.js';
import { validateInteger } from '../names.js';

export const U8_MAX = 0xff;
export const U16_MAX = 0xffff;
export const U32_MAX = 0xffffffff;
/** Largest value the kernel takes for signed int fields such as mtu and ifindex. */
export const S32_MAX = 0x7fffffff;

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** An Ethernet address written `02:00:00:00:00:01`; every kind nlkit creates is Ethernet. */
export function validateMac(value: unknown, what: string): string {
  if (typeof value !== 'string' || !MAC.test(value)) {
    throw new InvalidArgumentError(`${what} must be a MAC address like "02:00:00:00:00:01", got ${describeValue(value)}`);
  }
  return value;
}

export function validateBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${what} must be true or false, got ${describeValue(value)}`);
  return value;
}

export function validateU32(value: unknown, what: string): number {
  return validateInteger(value, what, 0, U32_MAX);
}

export function validateString(value: unknown, what: string, maxBytes: number): string {
  if (typeof value !== 'string') throw new InvalidArgumentError(`${what} must be a string, got ${describeValue(value)}`);
  const bytes = Buffer.byteLength(value);
  if (bytes > maxBytes) throw new InvalidArgumentError(`${what} is ${bytes} bytes; the kernel allows at most ${maxBytes}`);
  if (value.includes('\0')) throw new InvalidArgumentError(`${what} must not contain NUL`);
  return value;
}

export function validateOneOf<T extends string>(value: unknown, what: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw new InvalidArgumentError(`${what} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describeValue(value)}`);
  }
  return value as T;
}

/** Refuses fields nobody reads, which are almost always typos (`vlanfiltering`). */
export function validateKeys(object: object, allowed: ReadonlySet<string> | readonly string[], what: string): void {
  const has = Array.isArray(allowed) ? (k: string) => allowed.includes(k) : (k: string) => (allowed as ReadonlySet<string>).has(k);
  for (const key of Object.keys(object)) {
    if (!has(key) && (object as Record<string, unknown>)[key] !== undefined) {
      throw new InvalidArgumentError(`${what} has no field "${key}"; known fields: ${[...allowed].join(', ')}`);
    }
  }
}

export function validateObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidArgumentError(`${what} must be an object, got ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Checks the shape of a namespace reference without opening it. */
export { validateNetnsRef } from '../../netns/reference.js';

/** ALTIFNAMSIZ - 1: the kernel's limit on an alternative interface name, in bytes. */
export const MAX_ALTNAME_BYTES = 127;

/** An alternative name, checked as the kernel's dev_valid_name checks it, with the altname length limit. */
export function validateAltName(name: unknown, what: string): string {
  if (typeof name !== 'string' || name === '') throw new InvalidArgumentError(`${what} must be a non-empty string, got ${describeValue(name)}`);
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_ALTNAME_BYTES) throw new InvalidArgumentError(`${what} "${name}" is ${bytes} bytes; Linux allows at most ${MAX_ALTNAME_BYTES}`);
  if (name === '.' || name === '..') throw new InvalidArgumentError(`${what} "${name}" is not allowed`);
  if (/[/:\s\0]/.test(name)) throw new InvalidArgumentError(`${what} "${name}" must not contain "/", ":", NUL or whitespace`);
  return name;
}
