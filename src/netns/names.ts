import { InvalidArgumentError } from '../netlink/addresses.js';
import { describeValue } from '../netlink/checks.js';

/** Where named namespaces live; the same directory `ip netns` uses. */
export const NETNS_RUN_DIR = '/run/netns';

/**
 * Validates a namespace name before anything touches the filesystem: the name
 * becomes a file under /run/netns, so it must be one path component.
 */
export function validateNetnsName(name: unknown, what = 'network namespace name'): string {
  if (typeof name !== 'string') throw new InvalidArgumentError(`${what} must be a string, got ${describeValue(name)}`);
  if (name.length === 0) throw new InvalidArgumentError(`${what} must not be empty`);
  if (name === '.' || name === '..') throw new InvalidArgumentError(`${what} "${name}" is not allowed`);
  if (name.includes('/')) throw new InvalidArgumentError(`${what} "${name}" must not contain "/"`);
  if (name.includes('\0')) throw new InvalidArgumentError(`${what} must not contain NUL bytes`);
  if (/\s/.test(name)) throw new InvalidArgumentError(`${what} "${name}" must not contain whitespace`);
  if (Buffer.byteLength(name) > 255) throw new InvalidArgumentError(`${what} is ${Buffer.byteLength(name)} bytes; the limit is 255`);
  return name;
}

/**
 * The file a named namespace is bind-mounted on: `/run/netns/NAME`.
 * @throws InvalidArgumentError when the name is not a valid single path component (see validateNetnsName).
 */
export function netnsPath(name: string, what?: string): string {
  return `${NETNS_RUN_DIR}/${validateNetnsName(name, what)}`;
}
