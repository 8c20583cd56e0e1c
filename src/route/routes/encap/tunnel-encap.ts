// What the `ip` and `ip6` encaps share (net/ipv4/ip_tunnel_core.c reads both
// the same way): a tunnel id, outer addresses of one family, a TTL and a
// TOS, and the tunnel flags. The two differ in the outer family and in the
// names ip gives the TTL and TOS (`hoplimit` and `tc` for ip6); the
// attribute numbers are the same in both enums.
import { encodeIp, formatIp, InvalidArgumentError, requireIp, type IpFamily } from '../../../netlink/addresses.js';
import { describeValue, requireObject } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import { checkKeys } from '../../keys.js';
import { validateInteger } from '../../names.js';
import type { EncapKind, PreparedEncap } from './encap-kind.js';
import { tunnelFlagBits, tunnelFlagNames, type TunnelEncapFlag } from './tunnel-flags.js';

/** The members of RTA_ENCAP for one tunnel encap type (LWTUNNEL_IP_* or LWTUNNEL_IP6_*). */
export interface TunnelAttributes {
  id: number;
  dst: number;
  src: number;
  ttl: number;
  tos: number;
  flags: number;
}

/** How one tunnel encap type names its fields. */
export interface TunnelEncapShape {
  /** ip's word after `encap`, the spec's `type`. */
  name: string;
  /** LWTUNNEL_ENCAP_*. */
  type: number;
  /** The outer header's family, which `src` and `dst` must have. */
  family: IpFamily;
  /** The spec's name for the outer TTL (`ttl`, `hoplimit`). */
  ttlKey: string;
  /** The spec's name for the outer TOS (`tos`, `tc`). */
  tosKey: string;
  attributes: TunnelAttributes;
}

/** The fields common to both tunnel encaps; the TTL and TOS keys come from the shape. */
export interface TunnelEncapCommon {
  /** LWTUNNEL_IP_ID: the tunnel key (VNI, GRE key, ...) the packet is sent with, 0 to 2^64-1. */
  id?: number | bigint;
  /** Outer source address. */
  src?: string;
  /** Outer destination address: the tunnel's far end. */
  dst?: string;
  /** TUNNEL_* flags of the outer header. */
  flags?: TunnelEncapFlag[];
}

const U64_MAX = (1n << 64n) - 1n;

function tunnelId(value: unknown, what: string): bigint {
  if (typeof value === 'bigint' && value >= 0n && value <= U64_MAX) return value;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  throw new InvalidArgumentError(`${what} must be an integer from 0 to 2^64-1 (a bigint above 2^53), got ${describeValue(value)}`);
}

function outerAddress(value: unknown, family: IpFamily, what: string): Buffer {
  if (typeof value !== 'string') throw new InvalidArgumentError(`${what} must be an IPv${family} address, got ${describeValue(value)}`);
  if (requireIp(value, what) !== family) {
    throw new InvalidArgumentError(`${what} "${value}" is IPv${family === 4 ? 6 : 4}; this encap's outer header is IPv${family}`);
  }
  return encodeIp(value);
}

/** An EncapKind for one tunnel encap type: checks and encodes its spec, reads it back. */
export function tunnelEncapKind<Spec extends { type: string } & TunnelEncapCommon>(shape: TunnelEncapShape): EncapKind<Spec> {
  const { attributes: a, family, ttlKey, tosKey } = shape;
  const keys = new Set(['type', 'id', 'src', 'dst', ttlKey, tosKey, 'flags']);
  const addressLength = family === 4 ? 4 : 16;
  return {
    name: shape.name,
    type: shape.type,
    prepare(spec: Spec, what: string): PreparedEncap {
      requireObject(spec, what);
      checkKeys(spec, keys, what);
      const fields = spec as unknown as Record<string, unknown>;
      const id = spec.id === undefined ? undefined : tunnelId(spec.id, `${what}.id`);
      const dst = spec.dst === undefined ? undefined : outerAddress(spec.dst, family, `${what}.dst`);
      const src = spec.src === undefined ? undefined : outerAddress(spec.src, family, `${what}.src`);
      const ttl = fields[ttlKey] === undefined ? undefined : validateInteger(fields[ttlKey], `${what}.${ttlKey}`, 0, 255);
      const tos = fields[tosKey] === undefined ? undefined : validateInteger(fields[tosKey], `${what}.${tosKey}`, 0, 255);
      const flags = spec.flags === undefined ? 0 : tunnelFlagBits(spec.flags, `${what}.flags`);
      return {
        type: shape.type,
        encode(w: MessageWriter): void {
          if (id !== undefined) w.be64(a.id, id);
          if (dst !== undefined) w.binary(a.dst, dst);
          if (src !== undefined) w.binary(a.src, src);
          if (ttl !== undefined) w.u8(a.ttl, ttl);
          if (tos !== undefined) w.u8(a.tos, tos);
          // ip sends the flags only when one is set; the kernel takes none as none.
          if (flags) w.be16(a.flags, flags);
        },
      };
    },
    decode(members: ReadonlyMap<number, Buffer>): Spec {
      const spec: Record<string, unknown> = { type: shape.name };
      // A member of the wrong size is left out, as ip leaves it out of what it prints.
      const id = members.get(a.id);
      if (id?.length === 8) {
        const value = id.readBigUInt64BE(0);
        spec.id = value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
      }
      const src = members.get(a.src);
      if (src?.length === addressLength) spec.src = formatIp(src);
      const dst = members.get(a.dst);
      if (dst?.length === addressLength) spec.dst = formatIp(dst);
      const ttl = members.get(a.ttl);
      if (ttl !== undefined && ttl.length >= 1) spec[ttlKey] = ttl[0]!;
      const tos = members.get(a.tos);
      if (tos !== undefined && tos.length >= 1) spec[tosKey] = tos[0]!;
      const flags = members.get(a.flags);
      if (flags !== undefined && flags.length >= 2) {
        const names = tunnelFlagNames(flags.readUInt16BE(0));
        if (names.length) spec.flags = names;
      }
      return spec as unknown as Spec;
    },
  };
}
