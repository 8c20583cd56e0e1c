// `ct timeout to1 { protocol tcp; l3proto ip; policy = { established: 100 } }`
// (NFT_OBJECT_CT_TIMEOUT): per-state conntrack timeouts that `ct timeout set`
// assigns to connections.
//
// NFTA_CT_TIMEOUT_DATA nests one be32 per state, in seconds, typed by the
// protocol's CTA_TIMEOUT_<PROTO>_* enum of <linux/netfilter/nfnetlink_cttimeout.h>
// (state index + 1; libnftnl lays it out the same way). The kernel starts from
// its defaults and overrides the states sent, and lists every state back; nft
// shows only those that differ from its defaults.
import { IPPROTO_TCP, IPPROTO_UDP } from '../../generated/in.js';
import { NFT_OBJECT_CT_TIMEOUT, NFTA_CT_TIMEOUT_DATA, NFTA_CT_TIMEOUT_L3PROTO, NFTA_CT_TIMEOUT_L4PROTO } from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { jsonOf, requireInteger, requireObject } from '../../netlink/checks.js';
import { l3proto, l4proto, type L3Proto, type L4Proto } from './ct-protocols.js';
import type { ObjectKind } from './object-kind.js';

/**
 * State names in nft's words, in the order of enum ctattr_timeout_tcp /
 * ctattr_timeout_udp (<linux/netfilter/nfnetlink_cttimeout.h>, not among the
 * generated headers yet): the attribute type is the index + 1.
 */
export const CT_TIMEOUT_STATES: Readonly<Record<number, readonly string[]>> = {
  [IPPROTO_TCP]: ['syn_sent', 'syn_recv', 'established', 'fin_wait', 'close_wait', 'last_ack', 'time_wait', 'close', 'syn_sent2', 'retrans', 'unacknowledged'],
  [IPPROTO_UDP]: ['unreplied', 'replied'],
};

/** The fields of a named conntrack timeout policy. */
export interface CtTimeoutFields {
  /** Transport protocol (NFTA_CT_TIMEOUT_L4PROTO), `protocol tcp`. */
  protocol: L4Proto | number;
  /** Network family (NFTA_CT_TIMEOUT_L3PROTO), `l3proto ip`; absent lets the kernel use the table's family. */
  l3proto?: L3Proto | number;
  /**
   * Seconds per state (`policy = { established: 100, close: 4 }`): nft's state
   * names for tcp and udp, the attribute number ("1", "2", ...) for other
   * protocols. Listed objects carry every state the kernel reports.
   */
  policy: Record<string, number>;
}

function stateNames(protocol: number): readonly string[] | undefined {
  return CT_TIMEOUT_STATES[protocol];
}

export const ctTimeoutObject: ObjectKind<CtTimeoutFields> = {
  type: 'ct timeout',
  number: NFT_OBJECT_CT_TIMEOUT,
  keys: ['protocol', 'l3proto', 'policy'],
  encode(w, s, what) {
    const l4 = l4proto.encode(s.protocol, `${what} protocol`);
    const l3 = s.l3proto === undefined ? undefined : l3proto.encode(s.l3proto, `${what} l3proto`);
    const policy = requireObject<Record<string, unknown>>(s.policy, `${what} policy`, '{ established: 100, close: 4 }');
    const names = stateNames(l4);
    const entries: [number, number][] = [];
    for (const [state, seconds] of Object.entries(policy)) {
      // Attribute numbers pass for every protocol, so a listed state nlkit has no name for can be sent back.
      let type = names ? names.indexOf(state) + 1 : 0;
      if (type === 0 && /^[1-9][0-9]{0,3}$/.test(state)) type = Number(state);
      if (type === 0) {
        const hint = names ? `use any of ${names.join(', ')}` : 'for this protocol states are attribute numbers ("1", "2", ...)';
        throw new InvalidArgumentError(`${what} policy state ${jsonOf(state)} is not a state of protocol ${jsonOf(s.protocol)}; ${hint}`);
      }
      entries.push([type, requireInteger(seconds, `${what} policy ${state}`, 0, 0xffffffff)]);
    }
    if (l3 !== undefined) w.be16(NFTA_CT_TIMEOUT_L3PROTO, l3);
    w.u8(NFTA_CT_TIMEOUT_L4PROTO, l4);
    const nest = w.beginNested(NFTA_CT_TIMEOUT_DATA);
    for (const [type, seconds] of entries.sort((a, b) => a[0] - b[0])) w.be32(type, seconds);
    w.endNested(nest);
  },
  decode(c, unknown) {
    const out: Partial<CtTimeoutFields> = {};
    let data: [number, number][] | undefined;
    while (c.next()) {
      switch (c.type) {
        case NFTA_CT_TIMEOUT_L3PROTO: out.l3proto = l3proto.decode(c.be16()); break;
        case NFTA_CT_TIMEOUT_L4PROTO: out.protocol = l4proto.decode(c.u8()); break;
        case NFTA_CT_TIMEOUT_DATA: {
          data = [];
          const d = c.nestedCursor();
          while (d.next()) data.push([d.type, d.be32()]);
          break;
        }
        default: unknown.push(c.raw());
      }
    }
    // The protocol may follow the data: name the states once both are known.
    if (data) {
      const names = stateNames(typeof out.protocol === 'number' ? out.protocol : l4proto.encode(out.protocol, 'protocol'));
      out.policy = {};
      for (const [type, seconds] of data) out.policy[names?.[type - 1] ?? String(type)] = seconds;
    }
    return out;
  },
};
