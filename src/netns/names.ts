import { InvalidArgumentError } from '../netlink/addresses.js';

/** Where named namespaces live; the same directory `ip netns` uses. */
export const NETNS_RUN_DIR = '/run/netns';

/**
 * Validates a namespace name before anything touches the filesystem: the name
 * becomes a file under /run/netns, so it must be one path component.
 */
export function validateNetnsName(name: unknown): string {
  if (typeof name !== 'string') throw new InvalidArgumentError(`network namespace name must be a string, got ${typeof name}`);
  if (name.length === 0) throw new InvalidArgumentError('network namespace name must not be empty');
  if (name === '.' || name === '..') throw new InvalidArgumentError(`network namespace name "${name}" is not allowed`);
  if (name.includes('/')) throw new InvalidArgumentError(`network namespace name "${name}" must not contain "/"`);
  if (name.includes('\0')) throw new InvalidArgumentError('network namespace name must not contain NUL bytes');
  if (/\s/.test(name)) throw new InvalidArgumentError(`network namespace name "${name}" must not contain whitespace`);
  if (Buffer.byteLength(name) > 255) throw new InvalidArgumentError(`network namespace name is ${Buffer.byteLength(name)} bytes; the limit is 255`);
  return name;
}

export function netnsPath(name: string): string {
  return `${NETNS_RUN_DIR}/${validateNetnsName(name)}`;
}
