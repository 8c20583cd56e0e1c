// A link group as ip reads it wherever it takes one (`link set|add … group N`,
// `link set|delete group N`, `link|addr show group N`).
import { iproute2NameToId } from '../../route/index.js';

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);

/**
 * rtnl_group_a2n(): a name from the group file (the stock one names only 0, `default`), or strtol(word,
 * 0) stored into a C int. The int keeps the low 32 bits, so 99999999999 is
 * group 1215752191 and -4294967295 group 1; where it lands negative
 * (2147483648, 4294967295) ip refuses the word. strtol saturates at the long
 * limits first: LONG_MAX lands on -1 (refused), LONG_MIN on 0 (group 0).
 * BigInt because the low bits of a number past 2^53 are what counts.
 * Undefined where ip refuses.
 */
export function groupNumber(word: string): number | undefined {
  const named = iproute2NameToId('group', word);
  if (named !== undefined) return named;
  const m = /^[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(word);
  if (!m) return undefined;
  const digits = m[2]!;
  const magnitude = /^0[xX]/.test(digits) ? BigInt(digits) : digits.length > 1 && digits.startsWith('0') ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  let value = m[1] === '-' ? -magnitude : magnitude;
  if (value > LONG_MAX) value = LONG_MAX;
  if (value < LONG_MIN) value = LONG_MIN;
  const group = Number(BigInt.asIntN(32, value));
  return group < 0 ? undefined : group;
}
