import { NFT_NAME_MAXLEN } from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { describeValue } from '../../netlink/checks.js';

/**
 * Checks an object name (table, chain, set, object) against the kernel's
 * policy: a string of at most NFT_NAME_MAXLEN - 1 bytes (the attribute keeps
 * room for the NUL), with no NUL inside.
 */
export function requireName(name: unknown, what: string): string {
  if (typeof name !== 'string') throw new InvalidArgumentError(`${what} name must be a string, got ${describeValue(name)}`);
  if (name.length === 0) throw new InvalidArgumentError(`${what} name must not be empty`);
  if (name.includes('\0')) throw new InvalidArgumentError(`${what} name must not contain NUL bytes`);
  const bytes = Buffer.byteLength(name);
  if (bytes > NFT_NAME_MAXLEN - 1) {
    throw new InvalidArgumentError(`${what} name is ${bytes} bytes; the kernel allows at most ${NFT_NAME_MAXLEN - 1} (NFT_NAME_MAXLEN - 1)`);
  }
  return name;
}

/** Checks a handle: a positive integer the kernel assigned. */
export function requireHandle(handle: unknown, what: string): number {
  if (typeof handle !== 'number' || !Number.isSafeInteger(handle) || handle <= 0) {
    throw new InvalidArgumentError(`${what} handle must be a positive integer, got ${describeValue(handle)}`);
  }
  return handle;
}
