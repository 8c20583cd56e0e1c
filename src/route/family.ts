import { InvalidArgumentError, type IpFamily } from '../netlink/addresses.js';
import { AF_INET, AF_INET6, AF_UNSPEC } from '../sys/constants.js';
import { textOf } from '../netlink/checks.js';

/** 4 → AF_INET, 6 → AF_INET6, undefined → AF_UNSPEC. */
export function addressFamily(family: IpFamily | undefined): number {
  return family === 4 ? AF_INET : family === 6 ? AF_INET6 : AF_UNSPEC;
}

/** AF_INET → 4, AF_INET6 → 6, anything else → 0. */
export function ipFamilyOf(af: number): IpFamily | 0 {
  return af === AF_INET ? 4 : af === AF_INET6 ? 6 : 0;
}

/** The name `ip` prints for a family ("inet", "inet6"). */
export function familyName(af: number): string | undefined {
  return af === AF_INET ? 'inet' : af === AF_INET6 ? 'inet6' : undefined;
}

/** Checks an optional `family` option: 4, 6 or absent. */
export function validateFamily(value: unknown, what = 'family'): IpFamily | undefined {
  if (value === undefined) return undefined;
  if (value !== 4 && value !== 6) throw new InvalidArgumentError(`${what} must be 4 or 6, got ${textOf(value)}`);
  return value;
}
