// The tunnel flags an `ip`/`ip6` encap may set (LWTUNNEL_IP_FLAGS): the
// kernel's TUNNEL_* bits of the 16-bit big-endian field, which no uapi header
// defines (include/net/ip_tunnels.h). ip prints them in this order, and takes
// them as the words `key`, `csum` and `seq`.
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import { describeValue, textOf } from '../../../netlink/checks.js';

/** A tunnel flag of an `ip` or `ip6` encap: `csum` (TUNNEL_CSUM), `key` (TUNNEL_KEY), `seq` (TUNNEL_SEQ). */
export type TunnelEncapFlag = 'csum' | 'key' | 'seq';

const FLAG_BITS: readonly (readonly [TunnelEncapFlag, number])[] = [['key', 0x04], ['csum', 0x01], ['seq', 0x08]];
const BIT_OF = new Map<unknown, number>(FLAG_BITS);

/** The bits of `flags`, each named once (ip refuses a flag given twice). */
export function tunnelFlagBits(flags: unknown, what: string): number {
  if (!Array.isArray(flags)) throw new InvalidArgumentError(`${what} must be an array of 'csum', 'key' or 'seq', got ${describeValue(flags)}`);
  let bits = 0;
  for (const flag of flags) {
    const bit = BIT_OF.get(flag);
    if (bit === undefined) throw new InvalidArgumentError(`${what}: ${describeValue(flag)} is not a tunnel flag; use 'csum', 'key' or 'seq'`);
    if (bits & bit) throw new InvalidArgumentError(`${what} names '${textOf(flag)}' twice`);
    bits |= bit;
  }
  return bits;
}

/** The named flags among `bits`; bits nlkit has no name for are left out. */
export function tunnelFlagNames(bits: number): TunnelEncapFlag[] {
  return FLAG_BITS.filter(([, bit]) => bits & bit).map(([name]) => name);
}
