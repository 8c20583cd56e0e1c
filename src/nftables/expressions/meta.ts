import * as K from '../../generated/nf_tables.js';
import { NFTA_META_DREG, NFTA_META_KEY, NFTA_META_SREG } from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { EnumNames, keepUnknown, requireRegister, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** Meta keys, named as in `nft` (`meta l4proto`, `meta mark`, `iifname`...). */
export type MetaKey =
  | 'len' | 'protocol' | 'priority' | 'mark' | 'iif' | 'oif' | 'iifname' | 'oifname' | 'iiftype' | 'oiftype'
  | 'skuid' | 'skgid' | 'nftrace' | 'rtclassid' | 'secmark' | 'nfproto' | 'l4proto' | 'ibrname' | 'obrname'
  | 'pkttype' | 'cpu' | 'iifgroup' | 'oifgroup' | 'cgroup' | 'random' | 'ipsec' | 'iifkind' | 'oifkind'
  | 'ibrpvid' | 'ibrvproto' | 'time' | 'day' | 'hour' | 'sdif' | 'sdifname';

export const metaKeys = new EnumNames<MetaKey>('meta key', {
  len: K.NFT_META_LEN,
  protocol: K.NFT_META_PROTOCOL,
  priority: K.NFT_META_PRIORITY,
  mark: K.NFT_META_MARK,
  iif: K.NFT_META_IIF,
  oif: K.NFT_META_OIF,
  iifname: K.NFT_META_IIFNAME,
  oifname: K.NFT_META_OIFNAME,
  iiftype: K.NFT_META_IIFTYPE,
  oiftype: K.NFT_META_OIFTYPE,
  skuid: K.NFT_META_SKUID,
  skgid: K.NFT_META_SKGID,
  nftrace: K.NFT_META_NFTRACE,
  rtclassid: K.NFT_META_RTCLASSID,
  secmark: K.NFT_META_SECMARK,
  nfproto: K.NFT_META_NFPROTO,
  l4proto: K.NFT_META_L4PROTO,
  ibrname: K.NFT_META_BRI_IIFNAME,
  obrname: K.NFT_META_BRI_OIFNAME,
  pkttype: K.NFT_META_PKTTYPE,
  cpu: K.NFT_META_CPU,
  iifgroup: K.NFT_META_IIFGROUP,
  oifgroup: K.NFT_META_OIFGROUP,
  cgroup: K.NFT_META_CGROUP,
  random: K.NFT_META_PRANDOM,
  ipsec: K.NFT_META_SECPATH,
  iifkind: K.NFT_META_IIFKIND,
  oifkind: K.NFT_META_OIFKIND,
  ibrpvid: K.NFT_META_BRI_IIFPVID,
  ibrvproto: K.NFT_META_BRI_IIFVPROTO,
  time: K.NFT_META_TIME_NS,
  day: K.NFT_META_TIME_DAY,
  hour: K.NFT_META_TIME_HOUR,
  sdif: K.NFT_META_SDIF,
  sdifname: K.NFT_META_SDIFNAME,
});

/** `[ meta load l4proto => reg 1 ]`: a packet property into a register. */
export interface MetaLoadExpression extends KeepsUnknown {
  /** The kernel's `meta` expression (nft_meta), in its load form. */
  kind: 'meta';
  /** What is read (NFTA_META_KEY), e.g. `l4proto` for `meta l4proto tcp`; a raw NFT_META_* number for one nlkit does not name. */
  key: MetaKey | number;
  /** Register receiving the value (NFTA_META_DREG). */
  dreg: number;
}

/** `[ meta set mark with reg 1 ]`: a register into a packet property. */
export interface MetaSetExpression extends KeepsUnknown {
  /** The kernel's `meta` expression (nft_meta), in its set form. */
  kind: 'meta';
  /** What is written (NFTA_META_KEY): `mark`, `priority`, `nftrace`, `pkttype`, `secmark`... */
  key: MetaKey | number;
  /** Register holding the value to store (NFTA_META_SREG). */
  sreg: number;
}

/** The `meta` expression in either form: a load has `dreg`, a set has `sreg`. */
export type MetaExpression = MetaLoadExpression | MetaSetExpression;

export const metaCodec: ExpressionCodec<MetaExpression> = {
  kind: 'meta',
  encode(w, e) {
    const load = 'dreg' in e && e.dreg !== undefined;
    const set = 'sreg' in e && e.sreg !== undefined;
    if (load === set) throw new InvalidArgumentError('a meta expression needs either dreg (load) or sreg (set), not both');
    if (load) {
      w.be32(NFTA_META_KEY, metaKeys.encode(e.key));
      w.be32(NFTA_META_DREG, requireRegister((e as MetaLoadExpression).dreg, 'meta dreg'));
    } else {
      w.be32(NFTA_META_KEY, metaKeys.encode(e.key));
      w.be32(NFTA_META_SREG, requireRegister((e as MetaSetExpression).sreg, 'meta sreg'));
    }
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: Partial<MetaLoadExpression & MetaSetExpression> = { kind: 'meta' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_META_KEY: e.key = metaKeys.decode(c.be32()); break;
        case NFTA_META_DREG: e.dreg = c.be32(); break;
        case NFTA_META_SREG: e.sreg = c.be32(); break;
        default: keepUnknown(e, c);
      }
    }
    return e as MetaExpression;
  },
};
