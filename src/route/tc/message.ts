// struct tcmsg and the attributes every qdisc, class and filter message
// carries (TCA_KIND, TCA_OPTIONS, TCA_STATS2, TCA_CHAIN, ...); the kind's
// TCA_OPTIONS go through its plug-in.
import * as rtnetlink from '../../generated/rtnetlink.js';
import {
  RTM_DELQDISC, RTM_DELTCLASS, RTM_DELTFILTER, RTM_GETQDISC, RTM_GETTCLASS, RTM_GETTFILTER, RTM_NEWQDISC, RTM_NEWTCLASS, RTM_NEWTFILTER,
  TCA_CHAIN, TCA_EGRESS_BLOCK, TCA_HW_OFFLOAD, TCA_INGRESS_BLOCK, TCA_KIND, TCA_OPTIONS, TCA_STATS2, TCA_XSTATS,
} from '../../generated/rtnetlink.js';
import { AttributeCursor, type RawAttribute } from '../../netlink/attributes.js';
import type { Message } from '../../netlink/message.js';
import type { MessageWriter } from '../../netlink/writer.js';
import { constantNames } from '../constant-names.js';
import { requireRouteHeader, routeContext } from '../decode-context.js';
import { flatAttributeName } from '../flat-attributes.js';
import { tcKind, type TcEncodeContext, type TcKind, type TcObjectType } from './kind.js';
import './registry.js';

/** sizeof(struct tcmsg): family (u8), 3 pad bytes, ifindex (s32), handle, parent, info (u32 each). */
export const TCMSG_LEN = 20;

/** Members of TCA_STATS2 (enum in <linux/gen_stats.h>, which the generated constants do not cover). */
const TCA_STATS_BASIC = 1;
const TCA_STATS_RATE_EST = 2;
const TCA_STATS_QUEUE = 3;
const TCA_STATS_APP = 4;
const TCA_STATS_RATE_EST64 = 5;
const TCA_STATS_PKT64 = 8;

/** TCA_STATS2: what went through the object, as `tc -s` prints it. */
export interface TcStats {
  /** Bytes sent (gnet_stats_basic.bytes). */
  bytes: bigint;
  /** Packets sent (TCA_STATS_PKT64 when present, else gnet_stats_basic.packets). */
  packets: bigint;
  /** Estimated bytes per second (TCA_STATS_RATE_EST / _EST64), when an estimator runs. */
  rateBps?: bigint;
  /** Estimated packets per second, when an estimator runs. */
  ratePps?: bigint;
  /** gnet_stats_queue: packets queued now. */
  qlen?: number;
  /** gnet_stats_queue: bytes queued now. */
  backlog?: number;
  /** gnet_stats_queue: packets dropped. */
  drops?: number;
  /** gnet_stats_queue: packets requeued. */
  requeues?: number;
  /** gnet_stats_queue: times the object was over its limit. */
  overlimits?: number;
  /** TCA_STATS_APP: the kind's own statistics (xstats), raw. */
  app?: Buffer;
}

/** Which object a message type carries. */
export function tcObjectOf(type: number): TcObjectType | undefined {
  switch (type) {
    case RTM_NEWQDISC: case RTM_DELQDISC: case RTM_GETQDISC: return 'qdisc';
    case RTM_NEWTCLASS: case RTM_DELTCLASS: case RTM_GETTCLASS: return 'class';
    case RTM_NEWTFILTER: case RTM_DELTFILTER: case RTM_GETTFILTER: return 'filter';
    default: return undefined;
  }
}

/** Every tcmsg field and the attributes nlkit knows; what the decoder returns. */
export interface TcMessage {
  /** Which object the message is about. */
  object: TcObjectType;
  /** tcm_family: AF_UNSPEC for everything tc sends. */
  family: number;
  /** tcm_ifindex: the link. */
  ifindex: number;
  /** tcm_handle: the qdisc's handle (`1:` is 0x10000), the class id, or the filter's handle. */
  handle: number;
  /** tcm_parent: TC_H_ROOT, TC_H_INGRESS, or the parent's handle/class id. */
  parent: number;
  /** tcm_info: a qdisc's reference count; for filters, TC_H_MAKE(pref << 16, protocol in network order). */
  info: number;
  /** TCA_KIND: "tbf", "htb", "u32", ... */
  kind?: string;
  /** TCA_OPTIONS decoded by the kind's plug-in; for kinds nlkit does not know, the raw attribute. */
  options?: unknown;
  /** Filters: the preference (priority) from tcm_info's upper half. */
  pref?: number;
  /** Filters: the protocol (EtherType, host order; 3 is all) from tcm_info's lower half. */
  protocol?: number;
  /** TCA_CHAIN: the filter chain (filters only). */
  chain?: number;
  /** TCA_HW_OFFLOAD: 1 when offloaded to hardware. */
  hwOffload?: number;
  /** TCA_INGRESS_BLOCK: the shared block of an ingress/clsact qdisc. */
  ingressBlock?: number;
  /** TCA_EGRESS_BLOCK: the shared egress block of a clsact qdisc. */
  egressBlock?: number;
  /** TCA_STATS2. */
  stats?: TcStats;
  /** TCA_XSTATS: the kind's own statistics, raw. */
  xstats?: Buffer;
  /** Attributes nlkit does not decode, kept verbatim. */
  unknown: RawAttribute[];
}

/** A filter's tcm_info: its preference (priority) and protocol (host order, 3 for all). */
export function filterInfo(info: number): { pref: number; protocol: number } {
  const raw = info & 0xffff;
  return { pref: info >>> 16, protocol: ((raw & 0xff) << 8) | (raw >>> 8) };
}

/** A request to send: the header, the kind's prepared options and the attributes around them. */
export interface TcRequestMessage {
  ifindex: number;
  handle: number;
  parent: number;
  info: number;
  kind?: TcKind;
  prepared?: unknown;
  chain?: number;
  ingressBlock?: number;
  egressBlock?: number;
}

/** Writes tcmsg and attributes in the order tc writes them (TCA_CHAIN, TCA_KIND, blocks, TCA_OPTIONS). */
export function encodeTc(writer: MessageWriter, m: TcRequestMessage, ctx: TcEncodeContext): void {
  const at = writer.reserve(TCMSG_LEN);
  const b = writer.buf;
  b.writeInt32LE(m.ifindex | 0, at + 4);
  b.writeUInt32LE(m.handle >>> 0, at + 8);
  b.writeUInt32LE(m.parent >>> 0, at + 12);
  b.writeUInt32LE(m.info >>> 0, at + 16);
  if (m.chain !== undefined) writer.u32(TCA_CHAIN, m.chain);
  if (m.kind) writer.string(TCA_KIND, m.kind.kind);
  if (m.ingressBlock !== undefined) writer.u32(TCA_INGRESS_BLOCK, m.ingressBlock);
  if (m.egressBlock !== undefined) writer.u32(TCA_EGRESS_BLOCK, m.egressBlock);
  if (m.kind && m.prepared !== undefined) m.kind.encode(writer, m.prepared, ctx);
}

/** A dump request: tcmsg with the link (0 for all) and parent to filter by, and TCA_CHAIN for filters of one chain. */
export function encodeTcDump(writer: MessageWriter, ifindex: number, parent: number, info = 0, chain?: number): void {
  const at = writer.reserve(TCMSG_LEN);
  writer.buf.writeInt32LE(ifindex | 0, at + 4);
  writer.buf.writeUInt32LE(parent >>> 0, at + 12);
  writer.buf.writeUInt32LE(info >>> 0, at + 16);
  if (chain !== undefined) writer.u32(TCA_CHAIN, chain);
}

function decodeStats(c: AttributeCursor): TcStats {
  const s: TcStats = { bytes: 0n, packets: 0n };
  const b = c.buf;
  const inner = c.nestedCursor();
  while (inner.next()) {
    const at = inner.start;
    switch (inner.type) {
      case TCA_STATS_BASIC:
        inner.need(12);
        s.bytes = b.readBigUInt64LE(at);
        if (s.packets === 0n) s.packets = BigInt(b.readUInt32LE(at + 8));
        break;
      case TCA_STATS_PKT64: s.packets = inner.u64(); break;
      case TCA_STATS_RATE_EST:
        inner.need(8);
        s.rateBps ??= BigInt(b.readUInt32LE(at));
        s.ratePps ??= BigInt(b.readUInt32LE(at + 4));
        break;
      case TCA_STATS_RATE_EST64:
        inner.need(16);
        s.rateBps = b.readBigUInt64LE(at);
        s.ratePps = b.readBigUInt64LE(at + 8);
        break;
      case TCA_STATS_QUEUE:
        inner.need(20);
        s.qlen = b.readUInt32LE(at);
        s.backlog = b.readUInt32LE(at + 4);
        s.drops = b.readUInt32LE(at + 8);
        s.requeues = b.readUInt32LE(at + 12);
        s.overlimits = b.readUInt32LE(at + 16);
        break;
      case TCA_STATS_APP: s.app = inner.bytes(); break;
      default: break;
    }
  }
  return s;
}

/**
 * Decodes an RTM_NEWQDISC/NEWTCLASS/NEWTFILTER (or DEL/GET) message.
 * TCA_OPTIONS goes to the kind's plug-in; unknown kinds keep it raw.
 * MalformedMessageError for a header or attribute that does not fit.
 */
export function decodeTc(message: Message): TcMessage {
  requireRouteHeader(message, TCMSG_LEN, 'tcmsg');
  const b = message.buf;
  const o = message.offset;
  const object = tcObjectOf(message.type) ?? 'qdisc';
  const m: TcMessage = {
    object,
    family: b[o]!,
    ifindex: b.readInt32LE(o + 4),
    handle: b.readUInt32LE(o + 8),
    parent: b.readUInt32LE(o + 12),
    info: b.readUInt32LE(o + 16),
    unknown: [],
  };
  if (object === 'filter') Object.assign(m, filterInfo(m.info));
  const c = new AttributeCursor(b, o + TCMSG_LEN, message.end, routeContext(message, tcAttributeName));
  let options: { start: number } | undefined;
  while (c.next()) {
    switch (c.type) {
      case TCA_KIND: m.kind = c.string(); break;
      // Options are decoded once the kind is known (the kernel sends TCA_KIND first, but a request need not).
      case TCA_OPTIONS: options = { start: c.start - 4 }; break;
      case TCA_CHAIN: m.chain = c.u32(); break;
      case TCA_HW_OFFLOAD: m.hwOffload = c.u8(); break;
      case TCA_INGRESS_BLOCK: m.ingressBlock = c.u32(); break;
      case TCA_EGRESS_BLOCK: m.egressBlock = c.u32(); break;
      case TCA_STATS2: m.stats = decodeStats(c); break;
      case TCA_XSTATS: m.xstats = c.bytes(); break;
      case rtnetlink.TCA_STATS: case rtnetlink.TCA_PAD: break; // the old struct tc_stats repeats TCA_STATS2
      default: m.unknown.push(c.raw());
    }
  }
  if (options) {
    const oc = new AttributeCursor(b, options.start, message.end, routeContext(message, tcAttributeName));
    oc.next();
    const kind = m.kind === undefined ? undefined : tcKind(m.kind);
    m.options = kind && kind.objects.includes(object) ? kind.decode(oc, object) : oc.raw();
  }
  return m;
}

const TCA_NAMES = constantNames(rtnetlink, 'TCA_', ['TCA_DUMP_FLAGS_', 'TCA_FLAG_']);

/** Names an attribute path for error messages, e.g. [TCA_OPTIONS] → 'TCA_OPTIONS'. */
export function tcAttributeName(path: readonly number[]): string {
  return flatAttributeName(TCA_NAMES, path);
}

