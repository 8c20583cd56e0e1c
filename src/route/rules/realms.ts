// A rule's realms (`ip rule add … realms [FROM/]TO`, FRA_FLOW) read as ip
// reads them: each realm a name from /etc/iproute2/rt_realms (`cosmos` is 0
// even without the file) or a number, packed as (from << 16) | to.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { describeValue } from '../../netlink/checks.js';
import { checkKeys } from '../keys.js';

/** A realm: a name from /etc/iproute2/rt_realms (`'cosmos'` is 0) or a number 0-65535. */
export type RuleRealm = number | string;

/**
 * A rule's realms, as `realms [FROM/]TO`: one realm (the destination realm,
 * `realms 7`), the text `'FROM/TO'` (`'3/5'`), or `{ from?, to }`.
 */
export type RuleRealms = RuleRealm | { from?: RuleRealm; to: RuleRealm };

/** The kernel keeps each realm in 16 bits (tclassid's halves). */
const REALM_MAX = 0xffff;
const REALMS_FILE = '/etc/iproute2/rt_realms';
const REALM_KEYS = new Set(['from', 'to']);

let fileNames: Map<string, number> | undefined;

/** rtnl_tab_initialize's reading of rt_realms: `NUMBER NAME` lines (decimal or 0x), `#` comments. */
function realmNames(): Map<string, number> {
  if (fileNames) return fileNames;
  const names = new Map<string, number>([['cosmos', 0]]);
  let text = '';
  try {
    text = readFileSync(REALMS_FILE, 'utf8');
  } catch {
    // No file: ip knows no names but the built-in one either.
  }
  for (const line of text.split('\n')) {
    const [number, name] = line.replace(/#.*/, '').trim().split(/\s+/);
    const value = number === undefined ? NaN : Number(number);
    if (name && Number.isInteger(value) && value >= 0 && value <= 255) names.set(name, value);
  }
  fileNames = names;
  return names;
}

function parseRealm(value: unknown, what: string): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= REALM_MAX) return value;
  } else if (typeof value === 'string') {
    const named = realmNames().get(value);
    if (named !== undefined) return named;
    // ip reads a realm that is no name with strtoul, base 0: hex, octal or decimal.
    if (/^(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i.test(value)) {
      return parseRealm(/^0[0-7]+$/.test(value) ? parseInt(value, 8) : Number(value), what);
    }
  }
  throw new InvalidArgumentError(`${what} must be a realm name from ${REALMS_FILE} ('cosmos', …) or a number 0-${REALM_MAX}, got ${describeValue(value)}`);
}

/** FRA_FLOW for `realms`: (from << 16) | to. */
export function parseRuleRealms(value: unknown): number {
  let from: unknown = 0;
  let to: unknown = value;
  if (typeof value === 'string' && value.includes('/')) {
    [from, to] = value.split('/', 2);
  } else if (typeof value === 'object' && value !== null) {
    checkKeys(value, REALM_KEYS, 'realms');
    ({ from = 0, to } = value as { from?: unknown; to?: unknown });
    if (to === undefined) throw new InvalidArgumentError('realms needs `to`, the destination realm (`from` is optional)');
  }
  return ((parseRealm(from, 'realms from') << 16) | parseRealm(to, 'realms to')) >>> 0;
}

/** `realms 3/5`, `realms 7`: how ip prints FRA_FLOW, with numbers. */
export function realmsText(flow: number): string {
  const from = flow >>> 16;
  return `realms ${from ? `${from}/` : ''}${flow & REALM_MAX}`;
}
