// Realms (`realms [FROM/]TO`): two 16-bit classes a route (RTA_FLOW) or a
// policy rule (FRA_FLOW) gives the packets it routes, for accounting
// (/proc/net/rt_acct) and the `route` traffic classifier. Read as iproute2
// reads them (rtnl_rtrealm_a2n): a name from /etc/iproute2/rt_realms (the
// stock file names 0 `cosmos`; iproute2-databases.ts), else a number as
// strtoul reads it in base 0 (decimal, 0x hex, 0 octal); packed as (from << 16) | to.
import { InvalidArgumentError } from '../netlink/addresses.js';
import { describeValue } from '../netlink/checks.js';
import { REALM_DATABASE } from './iproute2-databases.js';
import { checkKeys } from './keys.js';

/** A realm: 0-65535, a name from /etc/iproute2/rt_realms (`'cosmos'` is 0), or its number as text ("5", "0x5"). */
export type Realm = number | string;

/**
 * Realms as `realms [FROM/]TO`: one realm (the destination's, `realms 7`),
 * the text `'FROM/TO'` (`'3/5'`), or `{ from?, to }`; `from` defaults to 0.
 */
export type Realms = Realm | {
  /** The source's realm (the high 16 bits); 0 when left out. */
  from?: Realm;
  /** The destination's realm (the low 16 bits). */
  to: Realm;
};

/** The kernel keeps each realm in 16 bits (tclassid's halves). */
const REALM_MAX = 0xffff;
const REALMS_FILE = '/etc/iproute2/rt_realms';
const REALM_KEYS = new Set(['from', 'to']);

function realmNumber(value: unknown, what: string): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= REALM_MAX) return value;
  } else if (typeof value === 'string') {
    const named = REALM_DATABASE.idOf(value);
    if (named !== undefined) return named;
    if (/^(0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i.test(value)) {
      return realmNumber(/^0[0-7]+$/.test(value) ? parseInt(value, 8) : Number(value), what);
    }
  }
  throw new InvalidArgumentError(`${what} must be a realm: a name from ${REALMS_FILE} ('cosmos', …) or a number 0-${REALM_MAX}, got ${describeValue(value)}`);
}

/** RTA_FLOW / FRA_FLOW for `realms`: (from << 16) | to. */
export function prepareRealms(value: unknown, what: string): number {
  if (typeof value === 'string' && value.includes('/')) {
    const [from, to] = value.split('/', 2);
    return ((realmNumber(from, `${what} "${value}": FROM`) << 16) | realmNumber(to, `${what} "${value}": TO`)) >>> 0;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    checkKeys(value, REALM_KEYS, what);
    const { from = 0, to } = value as { from?: unknown; to?: unknown };
    if (to === undefined) throw new InvalidArgumentError(`${what} needs to, the destination's realm (from is optional)`);
    return ((realmNumber(from, `${what}.from`) << 16) | realmNumber(to, `${what}.to`)) >>> 0;
  }
  return realmNumber(value, what);
}

/** The realms of a FLOW value as a spec takes them (`from` only when set, as ip prints it). */
export function realmsOfFlow(flow: number): { from?: number; to: number } {
  const from = flow >>> 16;
  return from ? { from, to: flow & REALM_MAX } : { to: flow & REALM_MAX };
}

/** `realms 3/5`, `realms 7`: how ip prints a FLOW value, with numbers. */
export function realmsText(flow: number): string {
  const from = flow >>> 16;
  return `realms ${from ? `${from}/` : ''}${flow & REALM_MAX}`;
}
