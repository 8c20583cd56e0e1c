import * as K from '../../generated/nf_tables.js';
import { NFTA_CT_DIRECTION, NFTA_CT_DREG, NFTA_CT_KEY, NFTA_CT_SREG } from '../../generated/nf_tables.js';
import { IP_CT_DIR_ORIGINAL, IP_CT_DIR_REPLY } from '../../generated/nf_conntrack_tuple_common.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { EnumNames, keepUnknown, requireRegister, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** Conntrack keys, named as in `nft` (`ct state`, `ct mark`, `ct original saddr`...). */
export type CtKey =
  | 'state' | 'direction' | 'status' | 'mark' | 'secmark' | 'expiration' | 'helper' | 'l3proto' | 'saddr' | 'daddr'
  | 'protocol' | 'proto-src' | 'proto-dst' | 'label' | 'packets' | 'bytes' | 'avgpkt' | 'zone' | 'event'
  | 'ip saddr' | 'ip daddr' | 'ip6 saddr' | 'ip6 daddr' | 'id';

export const ctKeys = new EnumNames<CtKey>('ct key', {
  state: K.NFT_CT_STATE,
  direction: K.NFT_CT_DIRECTION,
  status: K.NFT_CT_STATUS,
  mark: K.NFT_CT_MARK,
  secmark: K.NFT_CT_SECMARK,
  expiration: K.NFT_CT_EXPIRATION,
  helper: K.NFT_CT_HELPER,
  l3proto: K.NFT_CT_L3PROTOCOL,
  saddr: K.NFT_CT_SRC,
  daddr: K.NFT_CT_DST,
  protocol: K.NFT_CT_PROTOCOL,
  'proto-src': K.NFT_CT_PROTO_SRC,
  'proto-dst': K.NFT_CT_PROTO_DST,
  label: K.NFT_CT_LABELS,
  packets: K.NFT_CT_PKTS,
  bytes: K.NFT_CT_BYTES,
  avgpkt: K.NFT_CT_AVGPKT,
  zone: K.NFT_CT_ZONE,
  event: K.NFT_CT_EVENTMASK,
  'ip saddr': K.NFT_CT_SRC_IP,
  'ip daddr': K.NFT_CT_DST_IP,
  'ip6 saddr': K.NFT_CT_SRC_IP6,
  'ip6 daddr': K.NFT_CT_DST_IP6,
  id: K.NFT_CT_ID,
});

/** Which tuple of the connection a `ct` key reads (NFTA_CT_DIRECTION): `original` (as the first packet went) or `reply`, as in `ct original saddr`. */
export type CtDirection = 'original' | 'reply';
const ctDirections = new EnumNames<CtDirection>('ct direction', { original: IP_CT_DIR_ORIGINAL, reply: IP_CT_DIR_REPLY });

/** Conntrack state bits as `ct state` matches them (NF_CT_STATE_BIT(ctinfo)). */
export const CT_STATE_BITS = {
  /** `ct state invalid`: conntrack could not make sense of the packet (malformed, out of window, no matching connection). */
  invalid: 1,
  /** `ct state established`: the connection has seen traffic both ways (IP_CT_ESTABLISHED). */
  established: 2,
  /** `ct state related`: the packet belongs to a connection expected by another (FTP data, ICMP errors). */
  related: 4,
  /** `ct state new`: the first packet of a connection, or traffic seen one way only so far. */
  new: 8,
  /** `ct state untracked`: the packet was exempted from tracking (`notrack`). */
  untracked: 64,
} as const;
/** A conntrack state as `ct state` names it: `new`, `established`, `related`, `invalid`, `untracked`. */
export type CtState = keyof typeof CT_STATE_BITS;

/** `[ ct load state => reg 1 ]`: a conntrack property into a register. */
export interface CtLoadExpression extends KeepsUnknown {
  /** The kernel's `ct` expression (nft_ct), in its load form. */
  kind: 'ct';
  /** What is read (NFTA_CT_KEY), e.g. `state` for `ct state`; a raw NFT_CT_* number for one nlkit does not name. */
  key: CtKey | number;
  /** Register receiving the value (NFTA_CT_DREG). */
  dreg: number;
  /** Tuple to read for direction-dependent keys (addresses, ports); absent for keys of the whole connection. */
  direction?: CtDirection | number;
}

/** `[ ct set mark with reg 1 ]`: a register into the connection's mark, zone, label... */
export interface CtSetExpression extends KeepsUnknown {
  /** The kernel's `ct` expression (nft_ct), in its set form. */
  kind: 'ct';
  /** What is written (NFTA_CT_KEY): `mark`, `zone`, `label`, `helper`, `event`, `secmark`... */
  key: CtKey | number;
  /** Register holding the value to store (NFTA_CT_SREG). */
  sreg: number;
  /** Direction for `ct original zone` / `ct reply zone`; absent to set it for both. */
  direction?: CtDirection | number;
}

/** The `ct` expression in either form: a load has `dreg`, a set has `sreg`. */
export type CtExpression = CtLoadExpression | CtSetExpression;

export const ctCodec: ExpressionCodec<CtExpression> = {
  kind: 'ct',
  encode(w, e) {
    const load = 'dreg' in e && e.dreg !== undefined;
    const set = 'sreg' in e && e.sreg !== undefined;
    if (load === set) throw new InvalidArgumentError('a ct expression needs either dreg (load) or sreg (set), not both');
    if (load) w.be32(NFTA_CT_DREG, requireRegister((e as CtLoadExpression).dreg, 'ct dreg'));
    else w.be32(NFTA_CT_SREG, requireRegister((e as CtSetExpression).sreg, 'ct sreg'));
    w.be32(NFTA_CT_KEY, ctKeys.encode(e.key));
    if (e.direction !== undefined) w.u8(NFTA_CT_DIRECTION, ctDirections.encode(e.direction));
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: Partial<CtLoadExpression & CtSetExpression> = { kind: 'ct' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_CT_DREG: e.dreg = c.be32(); break;
        case NFTA_CT_SREG: e.sreg = c.be32(); break;
        case NFTA_CT_KEY: e.key = ctKeys.decode(c.be32()); break;
        case NFTA_CT_DIRECTION: e.direction = ctDirections.decode(c.u8()); break;
        default: keepUnknown(e, c);
      }
    }
    return e as CtExpression;
  },
};
