// flower: match on parsed packet fields (`tc filter add ... protocol ip flower ip_proto tcp dst_port 80 action ...`),
// as f_flower.c sends it. Keys go in the order tc writes them for arguments in
// this order: classid, indev, vlan_id, vlan_prio, ip_proto, dst_ip, src_ip, dst_port, src_port, actions;
// then TCA_FLOWER_FLAGS, always, and the filter's protocol as eth_type.
// Encoded like iproute2, not verified against a kernel here (CONFIG_NET_CLS_FLOWER is not built).
import {
  TCA_FLOWER_ACT, TCA_FLOWER_CLASSID, TCA_FLOWER_FLAGS, TCA_FLOWER_INDEV, TCA_FLOWER_KEY_ETH_TYPE, TCA_FLOWER_KEY_IP_PROTO, TCA_FLOWER_KEY_IPV4_DST,
  TCA_FLOWER_KEY_IPV4_DST_MASK, TCA_FLOWER_KEY_IPV4_SRC, TCA_FLOWER_KEY_IPV4_SRC_MASK, TCA_FLOWER_KEY_IPV6_DST, TCA_FLOWER_KEY_IPV6_DST_MASK,
  TCA_FLOWER_KEY_IPV6_SRC, TCA_FLOWER_KEY_IPV6_SRC_MASK, TCA_FLOWER_KEY_TCP_DST, TCA_FLOWER_KEY_TCP_SRC, TCA_FLOWER_KEY_UDP_DST, TCA_FLOWER_KEY_UDP_SRC,
  TCA_FLOWER_KEY_VLAN_ID, TCA_FLOWER_KEY_VLAN_PRIO,
} from '../../../generated/pkt_cls.js';
import { TCA_OPTIONS } from '../../../generated/rtnetlink.js';
import { encodeIp, formatIp, InvalidArgumentError, requireIp } from '../../../netlink/addresses.js';
import type { AttributeCursor, RawAttribute } from '../../../netlink/attributes.js';
import { describeValue, requireInteger } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import { validateIfName } from '../../names.js';
import { actionLinkRefs, decodeActions, encodeActions, type PreparedAction, type TcAction, type TcActionSpec } from '../actions/list.js';
import type { TcHandle } from '../handle.js';
import type { TcKind } from '../kind.js';
import { protocolToInfo } from '../protocol.js';
import { prepareClassifierCommon } from './common.js';

/** `flower [classid C] [indev D] [vlan_id N] [vlan_prio N] [ip_proto P] [dst_ip A/L] [src_ip A/L] [dst_port N] [src_port N] [skip_hw|skip_sw] action ...`. */
export interface FlowerSpec {
  /** Where matching packets go: a class id. */
  classid?: TcHandle;
  /** Only packets received on this device. */
  indev?: string;
  /** VLAN id (the filter's protocol must be 802.1Q or 802.1ad). */
  vlanId?: number;
  /** VLAN priority, 0-7. */
  vlanPrio?: number;
  /** 'tcp', 'udp', 'icmp', 'icmpv6' or a protocol number (needs protocol ip or ipv6). */
  ipProto?: string | number;
  /** Destination address or prefix, of the filter protocol's family. */
  dstIp?: string;
  /** Source address or prefix. */
  srcIp?: string;
  /** TCP/UDP destination port (needs ipProto tcp or udp). */
  dstPort?: number;
  /** TCP/UDP source port. */
  srcPort?: number;
  /** The actions, in order. */
  actions?: TcActionSpec[];
  /** Do not offload to hardware (TCA_CLS_FLAGS_SKIP_HW). */
  skipHw?: boolean;
  /** Only in hardware (TCA_CLS_FLAGS_SKIP_SW). */
  skipSw?: boolean;
}

/** A decoded flower filter: its keys by name, other attributes verbatim. */
export interface FlowerOptions {
  /** Where matching packets go: a class id. */
  classid?: number;
  /** Only packets received on this device (TCA_*_INDEV). */
  indev?: string;
  /** TCA_CLS_FLAGS_* bits (skip_hw, skip_sw, in_hw, not_in_hw). */
  flags?: number;
  /** TCA_FLOWER_KEY_ETH_TYPE, host order. */
  ethType?: number;
  /** TCA_FLOWER_KEY_IP_PROTO: the IP protocol number. */
  ipProto?: number;
  /** TCA_FLOWER_KEY_VLAN_ID: the VLAN id. */
  vlanId?: number;
  /** TCA_FLOWER_KEY_VLAN_PRIO: the VLAN priority. */
  vlanPrio?: number;
  /** Address and prefix length, e.g. '10.0.0.0/8'. */
  srcIp?: string;
  /** Destination address and prefix length, e.g. "10.0.0.0/8". */
  dstIp?: string;
  /** TCP or UDP source port. */
  srcPort?: number;
  /** TCP or UDP destination port. */
  dstPort?: number;
  /** The actions, in order. */
  actions?: TcAction[];
  /** Attributes nlkit does not decode, kept verbatim. */
  unknown: RawAttribute[];
}

const IP_PROTOS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };
const ETH_P_IP = 0x0800;
const ETH_P_IPV6 = 0x86dd;
const ETH_P_ALL = 0x0003;

interface Prepared {
  classid?: number;
  flags: number;
  actions?: PreparedAction[];
  protocol: number;
  indev?: string;
  vlanId?: number;
  vlanPrio?: number;
  ipProto?: number;
  dst?: { addr: Buffer; mask: Buffer; v6: boolean };
  src?: { addr: Buffer; mask: Buffer; v6: boolean };
  dstPort?: number;
  srcPort?: number;
}

function prefix(value: unknown, what: string, protocol: number): { addr: Buffer; mask: Buffer; v6: boolean } {
  if (typeof value !== 'string') throw new InvalidArgumentError(`${what} must be an address or prefix like "10.0.0.0/8", got ${describeValue(value)}`);
  const [address, lengthText] = value.split('/') as [string, string | undefined];
  const family = requireIp(address, what);
  if ((protocol === ETH_P_IP && family !== 4) || (protocol === ETH_P_IPV6 && family !== 6) || (protocol !== ETH_P_IP && protocol !== ETH_P_IPV6)) {
    throw new InvalidArgumentError(`${what} needs the filter's protocol to be ${family === 4 ? 'ip' : 'ipv6'}`);
  }
  const bits = family === 4 ? 32 : 128;
  const length = lengthText === undefined ? bits : /^\d+$/.test(lengthText) ? Number(lengthText) : NaN;
  if (!(length >= 0 && length <= bits)) throw new InvalidArgumentError(`${what} prefix length must be 0-${bits}, got ${describeValue(value)}`);
  const mask = Buffer.alloc(bits / 8);
  for (let i = 0; i < length; i++) mask[i >> 3]! |= 0x80 >> (i & 7);
  // tc sends the address as given, not masked.
  return { addr: Buffer.from(encodeIp(address)), mask, v6: family === 6 };
}

function prepare(spec: Record<string, unknown>, _object: unknown, header: { protocol: number }): Prepared {
  const protocol = header.protocol;
  const p: Prepared = { ...prepareClassifierCommon(spec, 'flower'), protocol };
  if (spec.indev !== undefined) p.indev = validateIfName(spec.indev, 'flower indev');
  if (spec.vlanId !== undefined || spec.vlanPrio !== undefined) {
    if (protocol !== 0x8100 && protocol !== 0x88a8) throw new InvalidArgumentError('flower vlanId and vlanPrio need the filter\'s protocol to be 802.1Q or 802.1ad');
    if (spec.vlanId !== undefined) p.vlanId = requireInteger(spec.vlanId, 'flower vlanId', 0, 4095);
    if (spec.vlanPrio !== undefined) p.vlanPrio = requireInteger(spec.vlanPrio, 'flower vlanPrio', 0, 7);
  }
  if (spec.ipProto !== undefined) {
    if (protocol !== ETH_P_IP && protocol !== ETH_P_IPV6) throw new InvalidArgumentError('flower ipProto needs the filter\'s protocol to be ip or ipv6');
    const named = typeof spec.ipProto === 'string' ? IP_PROTOS[spec.ipProto] : undefined;
    p.ipProto = named ?? requireInteger(spec.ipProto, 'flower ipProto', 0, 255);
  }
  if (spec.dstIp !== undefined) p.dst = prefix(spec.dstIp, 'flower dstIp', protocol);
  if (spec.srcIp !== undefined) p.src = prefix(spec.srcIp, 'flower srcIp', protocol);
  for (const key of ['dstPort', 'srcPort'] as const) {
    if (spec[key] === undefined) continue;
    if (p.ipProto !== 6 && p.ipProto !== 17) throw new InvalidArgumentError(`flower ${key} needs ipProto tcp or udp`);
    p[key] = requireInteger(spec[key], `flower ${key}`, 1, 0xffff);
  }
  return p;
}

export const flower: TcKind<Prepared, FlowerOptions> = {
  kind: 'flower',
  objects: ['filter'],
  specKeys: () => ['classid', 'indev', 'vlanId', 'vlanPrio', 'ipProto', 'dstIp', 'srcIp', 'dstPort', 'srcPort', 'actions', 'skipHw', 'skipSw'],
  prepare,
  linkRefs: (p) => actionLinkRefs(p.actions ?? []),
  encode(writer: MessageWriter, p, ctx) {
    const options = writer.beginNestedLegacy(TCA_OPTIONS);
    if (p.classid !== undefined) writer.u32(TCA_FLOWER_CLASSID, p.classid);
    if (p.indev !== undefined) writer.string(TCA_FLOWER_INDEV, p.indev);
    if (p.vlanId !== undefined) writer.u16(TCA_FLOWER_KEY_VLAN_ID, p.vlanId);
    if (p.vlanPrio !== undefined) writer.u8(TCA_FLOWER_KEY_VLAN_PRIO, p.vlanPrio);
    if (p.ipProto !== undefined) writer.u8(TCA_FLOWER_KEY_IP_PROTO, p.ipProto);
    for (const [a, v4, v4mask, v6, v6mask] of [
      [p.dst, TCA_FLOWER_KEY_IPV4_DST, TCA_FLOWER_KEY_IPV4_DST_MASK, TCA_FLOWER_KEY_IPV6_DST, TCA_FLOWER_KEY_IPV6_DST_MASK],
      [p.src, TCA_FLOWER_KEY_IPV4_SRC, TCA_FLOWER_KEY_IPV4_SRC_MASK, TCA_FLOWER_KEY_IPV6_SRC, TCA_FLOWER_KEY_IPV6_SRC_MASK],
    ] as const) {
      if (!a) continue;
      writer.binary(a.v6 ? v6 : v4, a.addr);
      writer.binary(a.v6 ? v6mask : v4mask, a.mask);
    }
    const tcp = p.ipProto === 6;
    if (p.dstPort !== undefined) writer.be16(tcp ? TCA_FLOWER_KEY_TCP_DST : TCA_FLOWER_KEY_UDP_DST, p.dstPort);
    if (p.srcPort !== undefined) writer.be16(tcp ? TCA_FLOWER_KEY_TCP_SRC : TCA_FLOWER_KEY_UDP_SRC, p.srcPort);
    if (p.actions?.length) encodeActions(writer, TCA_FLOWER_ACT, p.actions, ctx);
    writer.u32(TCA_FLOWER_FLAGS, p.flags);
    // The protocol in network order, as tcm_info carries it.
    if (p.protocol !== ETH_P_ALL) writer.u16(TCA_FLOWER_KEY_ETH_TYPE, protocolToInfo(p.protocol));
    writer.endNested(options);
  },
  decode(c: AttributeCursor) {
    const o: FlowerOptions = { unknown: [] };
    const addresses = new Map<number, Buffer>();
    const a = c.nestedCursor();
    while (a.next()) {
      switch (a.type) {
        case TCA_FLOWER_CLASSID: o.classid = a.u32(); break;
        case TCA_FLOWER_INDEV: o.indev = a.string(); break;
        case TCA_FLOWER_FLAGS: o.flags = a.u32(); break;
        case TCA_FLOWER_KEY_ETH_TYPE: o.ethType = a.be16(); break;
        case TCA_FLOWER_KEY_IP_PROTO: o.ipProto = a.u8(); break;
        case TCA_FLOWER_KEY_VLAN_ID: o.vlanId = a.u16(); break;
        case TCA_FLOWER_KEY_VLAN_PRIO: o.vlanPrio = a.u8(); break;
        case TCA_FLOWER_KEY_TCP_DST: case TCA_FLOWER_KEY_UDP_DST: o.dstPort = a.be16(); break;
        case TCA_FLOWER_KEY_TCP_SRC: case TCA_FLOWER_KEY_UDP_SRC: o.srcPort = a.be16(); break;
        case TCA_FLOWER_KEY_IPV4_SRC: case TCA_FLOWER_KEY_IPV4_SRC_MASK: case TCA_FLOWER_KEY_IPV4_DST: case TCA_FLOWER_KEY_IPV4_DST_MASK:
          a.need(4);
          addresses.set(a.type, a.bytes());
          break;
        case TCA_FLOWER_KEY_IPV6_SRC: case TCA_FLOWER_KEY_IPV6_SRC_MASK: case TCA_FLOWER_KEY_IPV6_DST: case TCA_FLOWER_KEY_IPV6_DST_MASK:
          a.need(16);
          addresses.set(a.type, a.bytes());
          break;
        case TCA_FLOWER_ACT: o.actions = decodeActions(a); break;
        default: o.unknown.push(a.raw());
      }
    }
    const withPrefix = (addr: number, mask: number, v6: boolean) => {
      const address = addresses.get(addr);
      if (!address) return undefined;
      const m = addresses.get(mask);
      const length = m ? [...m].reduce((n, byte) => n + popcount(byte), 0) : address.length * 8;
      const text = formatIp(address, 0, v6 ? 16 : 4);
      return `${text}/${length}`;
    };
    const src = withPrefix(TCA_FLOWER_KEY_IPV4_SRC, TCA_FLOWER_KEY_IPV4_SRC_MASK, false) ?? withPrefix(TCA_FLOWER_KEY_IPV6_SRC, TCA_FLOWER_KEY_IPV6_SRC_MASK, true);
    const dst = withPrefix(TCA_FLOWER_KEY_IPV4_DST, TCA_FLOWER_KEY_IPV4_DST_MASK, false) ?? withPrefix(TCA_FLOWER_KEY_IPV6_DST, TCA_FLOWER_KEY_IPV6_DST_MASK, true);
    if (src) o.srcIp = src;
    if (dst) o.dstIp = dst;
    return o;
  },
};

function popcount(byte: number): number {
  let n = 0;
  for (let b = byte; b; b &= b - 1) n++;
  return n;
}

