// The messages the decoder fuzz starts from: every netlink message captured
// under fixtures/ (kernel replies and nlkit's requests), plus synthetic
// control messages (NLMSG_ERROR with extended acks, NLMSG_DONE carrying an
// error) and legacy rtgenmsg dump requests, which no fixture holds.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { IFLA_EXT_MASK } from '../../src/generated/if_link.js';
import { NETLINK_NETFILTER, NETLINK_ROUTE, NLM_F_ACK_TLVS, NLM_F_CAPPED, NLM_F_MULTI, NLMSG_DONE, NLMSG_ERROR, NLMSGERR_ATTR_MISS_TYPE, NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS } from '../../src/generated/netlink.js';
import { NFNL_MSG_BATCH_BEGIN, NFNL_SUBSYS_NFTABLES } from '../../src/generated/nfnetlink.js';
import { NFTA_SET_ELEM_LIST_SET, NFTA_SET_ELEM_LIST_TABLE, NFT_MSG_NEWSET, NFT_MSG_NEWSETELEM } from '../../src/generated/nf_tables.js';
import { RTM_GETADDR, RTM_GETLINK, RTM_GETNEIGH, RTM_GETNEXTHOP, RTM_GETROUTE, RTM_GETRULE, RTM_NEWNEXTHOP } from '../../src/generated/rtnetlink.js';
import { parseMessages, type Message } from '../../src/netlink/message.js';
import { MessageWriter, NLMSG_HDRLEN } from '../../src/netlink/writer.js';
import { decodeSet, shapeOfListed, type SetShape } from '../../src/nftables/objects/set.js';
import { nftAttributes, nftMessageOf } from '../../src/nftables/protocol/nfgenmsg.js';
import { encodeNexthop, type NexthopMessage } from '../../src/route/nexthops/message.js';

export interface Target {
  /** Where the bytes came from, for failure reports: `fixtures/route/links/vxlan.json #0`. */
  name: string;
  /** NETLINK_ROUTE or NETLINK_NETFILTER: which family's decoders and describers apply. */
  protocol: number;
  /** One whole netlink message (nlmsghdr included). */
  bytes: Buffer;
  /** For set element messages: the shape of their set, to interpret the elements with. */
  shape?: SetShape;
}

/** Every string in a JSON document that is the hex of one whole netlink message. */
function messagesIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (value.length >= 2 * NLMSG_HDRLEN && value.length % 2 === 0 && /^[0-9a-f]+$/.test(value)) {
      const bytes = Buffer.from(value, 'hex');
      if (bytes.readUInt32LE(0) === bytes.length) out.push(value);
    }
  } else if (Array.isArray(value)) {
    for (const item of value) messagesIn(item, out);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) messagesIn(item, out);
  }
  return out;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return entry.endsWith('.json') ? [path] : [];
  });
}

function messageOf(bytes: Buffer): Message {
  return parseMessages(bytes, bytes.length)[0]!;
}

/** The NFTA_SET_ELEM_LIST_TABLE and _SET an element message names. */
function elementsSet(m: Message): string {
  let table = '';
  let set = '';
  const c = nftAttributes(m);
  while (c.next()) {
    if (c.type === NFTA_SET_ELEM_LIST_TABLE) table = c.string();
    else if (c.type === NFTA_SET_ELEM_LIST_SET) set = c.string();
  }
  return `${table} ${set}`;
}

function nftTargets(file: string, name: string): Target[] {
  const hexes = messagesIn(JSON.parse(readFileSync(file, 'utf8')));
  const shapes = new Map<string, SetShape>();
  for (const hex of hexes) {
    const m = messageOf(Buffer.from(hex, 'hex'));
    if (nftMessageOf(m.type) !== NFT_MSG_NEWSET) continue;
    const set = decodeSet(m);
    const shape = shapeOfListed(set);
    if (shape) shapes.set(`${set.table} ${set.name}`, shape);
  }
  return hexes.map((hex, i) => {
    const bytes = Buffer.from(hex, 'hex');
    const target: Target = { name: `${name} #${i}`, protocol: NETLINK_NETFILTER, bytes };
    const m = messageOf(bytes);
    if (nftMessageOf(m.type) === NFT_MSG_NEWSETELEM) {
      const shape = shapes.get(elementsSet(m));
      if (shape) target.shape = shape;
    }
    return target;
  });
}

/** NLMSG_ERROR acking `request` with an extended ack (message, offset, missing type), capped or not. */
function errorWithExtack(request: Buffer, errno: number, capped: boolean): Buffer {
  const w = new MessageWriter();
  const start = w.beginMessage(NLMSG_ERROR, NLM_F_ACK_TLVS | (capped ? NLM_F_CAPPED : 0), 7, 0);
  const at = w.reserve(4);
  w.buf.writeInt32LE(-errno, at);
  const echoed = capped ? request.subarray(0, NLMSG_HDRLEN) : request;
  const copy = w.reserve(echoed.length);
  echoed.copy(w.buf, copy);
  w.string(NLMSGERR_ATTR_MSG, 'Invalid attribute');
  w.u32(NLMSGERR_ATTR_OFFS, Math.min(20, request.length - 4));
  w.u32(NLMSGERR_ATTR_MISS_TYPE, 3);
  w.endMessage(start);
  return Buffer.from(w.bytes());
}

/** NLMSG_DONE of a dump that failed part way: the error, then an extended ack. */
function doneWithError(errno: number): Buffer {
  const w = new MessageWriter();
  const start = w.beginMessage(NLMSG_DONE, NLM_F_MULTI | NLM_F_ACK_TLVS, 7, 0);
  const at = w.reserve(4);
  w.buf.writeInt32LE(-errno, at);
  w.string(NLMSGERR_ATTR_MSG, 'dump interrupted by a failing device');
  w.endMessage(start);
  return Buffer.from(w.bytes());
}

/** A legacy dump request: struct rtgenmsg (the family byte, padded to 4), optionally IFLA_EXT_MASK after it. */
function rtgenmsgRequest(type: number, family: number, extMask?: number): Buffer {
  const w = new MessageWriter();
  const start = w.beginMessage(type, 0x301, 7, 0);
  w.buf[w.reserve(1)] = family;
  if (extMask !== undefined) w.u32(IFLA_EXT_MASK, extMask);
  w.endMessage(start);
  return Buffer.from(w.bytes());
}

function nexthopMessage(type: number, n: NexthopMessage): Buffer {
  const w = new MessageWriter();
  const start = w.beginMessage(type, 0x2, 7, 0);
  encodeNexthop(w, n);
  w.endMessage(start);
  return Buffer.from(w.bytes());
}

/**
 * Nexthop objects of every form as the kernel reports them (no fixture holds
 * any): single v4/v6, blackhole, fdb, an encap, mpath and resilient groups,
 * and a filtered dump request. Built with nlkit's encoder, which writes the
 * kernel's layout (the kernel tests compare both).
 */
export function nexthopTargets(): [string, number, Buffer][] {
  const single = { addressFamily: 2, scope: 253, protocol: 0, flags: 0 };
  const group = { addressFamily: 0, scope: 0, protocol: 0, flags: 0 };
  const forms: [string, number, NexthopMessage][] = [
    ['nexthop via', RTM_NEWNEXTHOP, { ...single, id: 1, oif: 2, gateway: '10.0.0.2' }],
    ['nexthop IPv6 onlink', RTM_NEWNEXTHOP, { ...single, addressFamily: 10, flags: 4, protocol: 4, id: 5, oif: 2, gateway: 'fd00::2' }],
    ['nexthop blackhole', RTM_NEWNEXTHOP, { ...single, scope: 254, id: 3, blackhole: true }],
    ['nexthop fdb', RTM_NEWNEXTHOP, { ...single, id: 20, gateway: '172.16.1.2', fdb: true }],
    ['nexthop encap', RTM_NEWNEXTHOP, { ...single, id: 7, oif: 2, gateway: '10.0.0.4', encapType: 1, encap: Buffer.from('0800010000064100', 'hex') }],
    ['nexthop group', RTM_NEWNEXTHOP, { ...group, id: 10, group: [{ id: 1, weight: 1 }, { id: 2, weight: 3 }], groupType: 0 }],
    ['nexthop resilient group', RTM_NEWNEXTHOP, {
      ...group, id: 11, group: [{ id: 1, weight: 5 }, { id: 2, weight: 1 }], groupType: 1,
      resilient: { buckets: 8, idleTimer: 60, unbalancedTimer: 20, unbalancedTime: 0 },
    }],
    ['nexthop dump request', RTM_GETNEXTHOP, { ...group, oif: 2, master: 3, groups: true, fdb: true }],
  ];
  return forms.map(([name, type, n]) => [name, NETLINK_ROUTE, nexthopMessage(type, n)]);
}

function batchBegin(): Buffer {
  const w = new MessageWriter();
  const start = w.beginMessage(NFNL_MSG_BATCH_BEGIN, 1, 7, 0);
  const at = w.reserve(4);
  w.buf.writeUInt16BE(NFNL_SUBSYS_NFTABLES, at + 2);
  w.endMessage(start);
  return Buffer.from(w.bytes());
}

/** Every target, in a fixed order (so a case number names the same bytes on every run). */
export function loadTargets(root = 'fixtures'): Target[] {
  const targets: Target[] = [];
  const nameOf = (file: string) => relative(dirname(root), file);
  for (const file of jsonFiles(join(root, 'route')).sort()) {
    messagesIn(JSON.parse(readFileSync(file, 'utf8'))).forEach((hex, i) => {
      targets.push({ name: `${nameOf(file)} #${i}`, protocol: NETLINK_ROUTE, bytes: Buffer.from(hex, 'hex') });
    });
  }
  for (const file of jsonFiles(join(root, 'nftables')).sort()) targets.push(...nftTargets(file, nameOf(file)));
  const request = targets.find((t) => t.name.includes('addresses.json'))!.bytes;
  const synthetic: [string, number, Buffer][] = [
    ['NLMSG_ERROR with extack', NETLINK_ROUTE, errorWithExtack(request, 22, false)],
    ['NLMSG_ERROR with extack, capped', NETLINK_ROUTE, errorWithExtack(request, 17, true)],
    ['NLMSG_ERROR ack', NETLINK_ROUTE, errorWithExtack(request, 0, true)],
    ['NLMSG_DONE with error', NETLINK_ROUTE, doneWithError(4)],
    ['rtgenmsg RTM_GETLINK', NETLINK_ROUTE, rtgenmsgRequest(RTM_GETLINK, 0, 1)],
    ['rtgenmsg RTM_GETADDR', NETLINK_ROUTE, rtgenmsgRequest(RTM_GETADDR, 2)],
    ['rtgenmsg RTM_GETROUTE', NETLINK_ROUTE, rtgenmsgRequest(RTM_GETROUTE, 10)],
    ['rtgenmsg RTM_GETNEIGH', NETLINK_ROUTE, rtgenmsgRequest(RTM_GETNEIGH, 2)],
    ['rtgenmsg RTM_GETRULE', NETLINK_ROUTE, rtgenmsgRequest(RTM_GETRULE, 2)],
    ['NFNL_MSG_BATCH_BEGIN', NETLINK_NETFILTER, batchBegin()],
    ...nexthopTargets(),
  ];
  for (const [name, protocol, bytes] of synthetic) targets.push({ name: `synthetic ${name}`, protocol, bytes });
  return targets;
}
