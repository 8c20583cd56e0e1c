import {
  NFT_PAYLOAD_CSUM_INET, NFT_PAYLOAD_CSUM_NONE, NFT_PAYLOAD_CSUM_SCTP, NFT_PAYLOAD_INNER_HEADER,
  NFT_PAYLOAD_LL_HEADER, NFT_PAYLOAD_NETWORK_HEADER, NFT_PAYLOAD_TRANSPORT_HEADER, NFTA_PAYLOAD_BASE,
  NFTA_PAYLOAD_CSUM_FLAGS, NFTA_PAYLOAD_CSUM_OFFSET, NFTA_PAYLOAD_CSUM_TYPE, NFTA_PAYLOAD_DREG, NFTA_PAYLOAD_LEN,
  NFTA_PAYLOAD_OFFSET, NFTA_PAYLOAD_SREG,
} from '../../generated/nf_tables.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { EnumNames, keepUnknown, requireRegister, requireUint, writeUnknown, type ExpressionCodec, type KeepsUnknown } from './codec.js';

/** Header an offset counts from (NFTA_PAYLOAD_BASE): `link` (Ethernet), `network` (IP), `transport` (TCP/UDP), `inner` (inside a tunnel). */
export type PayloadBase = 'link' | 'network' | 'transport' | 'inner';
/** Checksum fixed after a payload write (NFTA_PAYLOAD_CSUM_TYPE): `none`, `inet` (the Internet checksum of IP, TCP, UDP, ICMP) or `sctp` (CRC32c). */
export type ChecksumType = 'none' | 'inet' | 'sctp';

/** Loads `length` bytes at `offset` from a header into `dreg` (`[ payload load 2b @ transport header + 2 => reg 1 ]`). */
export interface PayloadLoadExpression extends KeepsUnknown {
  /** The kernel's `payload` expression (nft_payload), in its load form. */
  kind: 'payload';
  /** Header the offset counts from; a raw number for one nlkit does not name. */
  base: PayloadBase | number;
  /** Byte offset of the field from the start of the `base` header (NFTA_PAYLOAD_OFFSET), e.g. 2 for a TCP destination port. */
  offset: number;
  /** Bytes loaded (NFTA_PAYLOAD_LEN), 1-16; e.g. 2 for a port, 4 for an IPv4 address. */
  length: number;
  /** Register receiving the bytes (NFTA_PAYLOAD_DREG), in packet (network) byte order. */
  dreg: number;
}

/** Writes `sreg` into the packet, updating the checksum at `csumOffset` (`payload write`, e.g. `ip dscp set`). */
export interface PayloadSetExpression extends KeepsUnknown {
  /** The kernel's `payload` expression (nft_payload), in its write form. */
  kind: 'payload';
  /** Header the offset counts from; a raw number for one nlkit does not name. */
  base: PayloadBase | number;
  /** Byte offset of the field written from the start of the `base` header (NFTA_PAYLOAD_OFFSET). */
  offset: number;
  /** Bytes written (NFTA_PAYLOAD_LEN). */
  length: number;
  /** Register holding the new bytes (NFTA_PAYLOAD_SREG). */
  sreg: number;
  /** Checksum to update; absent for none. */
  csumType?: ChecksumType | number;
  /** Offset of the checksum field from the start of the `base` header (NFTA_PAYLOAD_CSUM_OFFSET), e.g. 10 for the IPv4 header checksum. */
  csumOffset?: number;
  /** NFT_PAYLOAD_L4CSUM_PSEUDOHDR (1): also fix the layer 4 checksum over the pseudo header. */
  csumFlags?: number;
}

/** The `payload` expression in either form: a load has `dreg`, a write has `sreg`. */
export type PayloadExpression = PayloadLoadExpression | PayloadSetExpression;

export const payloadBases = new EnumNames<PayloadBase>('payload base', {
  link: NFT_PAYLOAD_LL_HEADER,
  network: NFT_PAYLOAD_NETWORK_HEADER,
  transport: NFT_PAYLOAD_TRANSPORT_HEADER,
  inner: NFT_PAYLOAD_INNER_HEADER,
});

const checksumTypes = new EnumNames<ChecksumType>('checksum type', {
  none: NFT_PAYLOAD_CSUM_NONE,
  inet: NFT_PAYLOAD_CSUM_INET,
  sctp: NFT_PAYLOAD_CSUM_SCTP,
});

export const payloadCodec: ExpressionCodec<PayloadExpression> = {
  kind: 'payload',
  encode(w, e) {
    const isSet = 'sreg' in e && e.sreg !== undefined;
    if (isSet === ('dreg' in e && (e as PayloadLoadExpression).dreg !== undefined)) {
      throw new InvalidArgumentError('a payload expression needs either dreg (load) or sreg (set), not both');
    }
    if (isSet) w.be32(NFTA_PAYLOAD_SREG, requireRegister((e as PayloadSetExpression).sreg, 'payload sreg'));
    else w.be32(NFTA_PAYLOAD_DREG, requireRegister((e as PayloadLoadExpression).dreg, 'payload dreg'));
    w.be32(NFTA_PAYLOAD_BASE, payloadBases.encode(e.base));
    w.be32(NFTA_PAYLOAD_OFFSET, requireUint(e.offset, 'payload offset', 0xff));
    w.be32(NFTA_PAYLOAD_LEN, requireUint(e.length, 'payload length', 0xff));
    if (isSet) {
      const s = e as PayloadSetExpression;
      if (s.csumType !== undefined) w.be32(NFTA_PAYLOAD_CSUM_TYPE, checksumTypes.encode(s.csumType));
      if (s.csumOffset !== undefined) w.be32(NFTA_PAYLOAD_CSUM_OFFSET, requireUint(s.csumOffset, 'payload csumOffset', 0xff));
      if (s.csumFlags !== undefined) w.be32(NFTA_PAYLOAD_CSUM_FLAGS, requireUint(s.csumFlags, 'payload csumFlags'));
    }
    writeUnknown(w, e.unknown);
  },
  decode(c) {
    const e: Partial<PayloadLoadExpression & PayloadSetExpression> = { kind: 'payload' };
    while (c.next()) {
      switch (c.type) {
        case NFTA_PAYLOAD_DREG: e.dreg = c.be32(); break;
        case NFTA_PAYLOAD_SREG: e.sreg = c.be32(); break;
        case NFTA_PAYLOAD_BASE: e.base = payloadBases.decode(c.be32()); break;
        case NFTA_PAYLOAD_OFFSET: e.offset = c.be32(); break;
        case NFTA_PAYLOAD_LEN: e.length = c.be32(); break;
        case NFTA_PAYLOAD_CSUM_TYPE: e.csumType = checksumTypes.decode(c.be32()); break;
        case NFTA_PAYLOAD_CSUM_OFFSET: e.csumOffset = c.be32(); break;
        case NFTA_PAYLOAD_CSUM_FLAGS: e.csumFlags = c.be32(); break;
        default: keepUnknown(e, c);
      }
    }
    return e as PayloadExpression;
  },
};
