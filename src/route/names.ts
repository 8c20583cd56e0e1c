import { InvalidArgumentError } from '../netlink/addresses.js';
import { describeValue } from '../netlink/checks.js';

/** IFNAMSIZ - 1: the kernel's limit on an interface name, in bytes. */
export const MAX_IFNAME_BYTES = 15;

/** Checks an interface name the way the kernel's dev_valid_name does, before sending. */
export function validateIfName(name: unknown, what = 'interface name'): string {
  if (typeof name !== 'string') throw new InvalidArgumentError(`${what} must be a string, got ${describeValue(name)}`);
  if (name === '') throw new InvalidArgumentError(`${what} must not be empty`);
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_IFNAME_BYTES) {
    throw new InvalidArgumentError(`${what} "${name}" is ${bytes} bytes; Linux allows at most ${MAX_IFNAME_BYTES}`);
  }
  if (name === '.' || name === '..') throw new InvalidArgumentError(`${what} "${name}" is not allowed`);
  if (/[/:\s\0]/.test(name)) throw new InvalidArgumentError(`${what} "${name}" must not contain "/", ":", NUL or whitespace`);
  return name;
}

/** Checks an integer option against its range before sending. */
export function validateInteger(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return value;
}
