import { RT_SCOPE_HOST, RT_SCOPE_LINK, RT_SCOPE_NOWHERE, RT_SCOPE_SITE, RT_SCOPE_UNIVERSE } from '../../generated/rtnetlink.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';

/** Scope names as `ip` prints them (iproute2's rt_scopes; RT_SCOPE_UNIVERSE is "global"). */
const SCOPE_NAMES = new Map<number, string>([
  [RT_SCOPE_UNIVERSE, 'global'],
  [RT_SCOPE_SITE, 'site'],
  [RT_SCOPE_LINK, 'link'],
  [RT_SCOPE_HOST, 'host'],
  [RT_SCOPE_NOWHERE, 'nowhere'],
]);

const SCOPE_VALUES = new Map<string, number>([...[...SCOPE_NAMES].map(([v, n]) => [n, v] as [string, number]), ['universe', RT_SCOPE_UNIVERSE]]);

export type ScopeName = 'global' | 'universe' | 'site' | 'link' | 'host' | 'nowhere';

/** `ip`'s name for a scope, or the number as text. */
export function scopeName(scope: number): string {
  return SCOPE_NAMES.get(scope) ?? String(scope);
}

/** Accepts a scope name ('global'/'universe', 'site', 'link', 'host', 'nowhere') or 0-255. */
export function parseScope(value: unknown, what = 'scope'): number {
  if (typeof value === 'string') {
    const scope = SCOPE_VALUES.get(value);
    if (scope === undefined) {
      throw new InvalidArgumentError(`${what} "${value}" is unknown; use one of ${[...SCOPE_VALUES.keys()].join(', ')} or a number 0-255`);
    }
    return scope;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255) return value;
  throw new InvalidArgumentError(`${what} must be a scope name (global, link, host, ...) or an integer 0-255, got ${String(value)}`);
}
