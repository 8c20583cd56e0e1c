// The direct attribute walk (src/route/links/attribute-walk.ts) against the
// cursor decoder it falls back to (checked-attributes.ts): on every captured
// link message, a synthetic one carrying every attribute the walk reads, and
// damaged copies of them all, both must give the same link (keys in the same
// order, same JSON, deeply equal once the lazy fields are read) or the same
// MalformedMessageError (message, attribute, offset).
import t from 'tap';
import { isDeepStrictEqual } from 'node:util';
import {
  IFLA_ADDRESS, IFLA_AF_SPEC, IFLA_ALT_IFNAME, IFLA_BROADCAST, IFLA_CARRIER, IFLA_EVENT, IFLA_EXT_MASK, IFLA_IFALIAS,
  IFLA_IFNAME, IFLA_INET6_ADDR_GEN_MODE, IFLA_LINK, IFLA_LINK_NETNSID, IFLA_LINKINFO, IFLA_LINKMODE, IFLA_MASTER, IFLA_MTU,
  IFLA_NET_NS_PID, IFLA_NEW_IFINDEX, IFLA_NEW_NETNSID, IFLA_OPERSTATE, IFLA_PAD, IFLA_PARENT_DEV_BUS_NAME,
  IFLA_PARENT_DEV_NAME, IFLA_PERM_ADDRESS, IFLA_PHYS_PORT_ID, IFLA_PHYS_PORT_NAME, IFLA_PHYS_SWITCH_ID, IFLA_PROP_LIST,
  IFLA_PROTO_DOWN, IFLA_PROTO_DOWN_REASON, IFLA_PROTO_DOWN_REASON_VALUE, IFLA_QDISC, IFLA_STATS64, IFLA_XDP,
  IFLA_XDP_ATTACHED, IFLA_XDP_DRV_PROG_ID, IFLA_XDP_FLAGS, IFLA_XDP_HW_PROG_ID, IFLA_XDP_PROG_ID, IFLA_XDP_SKB_PROG_ID,
  IFLA_INFO_KIND,
} from '../../../src/generated/if_link.js';
import { RTM_NEWLINK } from '../../../src/generated/rtnetlink.js';
import { MalformedMessageError } from '../../../src/netlink/message.js';
import { MessageWriter } from '../../../src/netlink/writer.js';
import { walkReads } from '../../../src/route/links/attribute-walk.js';
import { cursorDecoderReads } from '../../../src/route/links/checked-attributes.js';
import { decodeLinkPayload, decodeLinkPayloadWithCursors } from '../../../src/route/links/message.js';
import type { Link } from '../../../src/route/links/types.js';
import { linkMessageCorpus } from '../../helpers/link-corpus.js';

const NLMSG_HDRLEN = 16;
const IFINFOMSG_LEN = 16;
const AF_INET = 2;
const AF_INET6 = 10;
const SEED = Number(process.env.NLKIT_WALK_SEED ?? 7);

/** An RTM_NEWLINK with every attribute the walk reads, some twice, plus one it does not know and nests it reads into. */
function everyAttribute(): Buffer {
  const w = new MessageWriter();
  const start = w.beginMessage(RTM_NEWLINK, 0, 1);
  const at = w.reserve(IFINFOMSG_LEN);
  w.buf.writeUInt16LE(1, at + 2);
  w.buf.writeInt32LE(7, at + 4);
  w.buf.writeUInt32LE(0x11043, at + 8);
  w.string(IFLA_IFNAME, 'eth0').u32(IFLA_MTU, 1500).u8(IFLA_OPERSTATE, 6).u8(IFLA_LINKMODE, 9).u32(IFLA_MTU, 9000);
  w.mac(IFLA_ADDRESS, '02:00:00:00:00:01').mac(IFLA_BROADCAST, 'ff:ff:ff:ff:ff:ff').mac(IFLA_PERM_ADDRESS, '02:00:00:00:00:02');
  w.u32(IFLA_MASTER, 3).u32(IFLA_LINK, 4).s32(IFLA_LINK_NETNSID, -1).binary(IFLA_IFALIAS, Buffer.from('uplink'));
  w.u8(IFLA_CARRIER, 1).u8(IFLA_PROTO_DOWN, 0).u32(IFLA_EVENT, 2).u32(IFLA_EXT_MASK, 1).u32(IFLA_NET_NS_PID, 1);
  w.s32(IFLA_NEW_NETNSID, 5).s32(IFLA_NEW_IFINDEX, 9).binary(IFLA_PHYS_PORT_ID, Buffer.from([1, 2, 3]));
  w.string(IFLA_PHYS_PORT_NAME, 'p0').binary(IFLA_PHYS_SWITCH_ID, Buffer.from([0xab, 0xcd])).string(IFLA_PARENT_DEV_NAME, '0000:00:03.0');
  w.string(IFLA_PARENT_DEV_BUS_NAME, 'pci').string(IFLA_QDISC, 'fq_codel').binary(IFLA_PAD, Buffer.alloc(4));
  w.binary(IFLA_STATS64, Buffer.alloc(200, 1)).binary(IFLA_STATS64, Buffer.alloc(192, 2)).u32(0x3fff, 42);
  const xdp = w.beginNested(IFLA_XDP);
  w.u8(IFLA_XDP_ATTACHED, 1).u32(IFLA_XDP_PROG_ID, 10).u32(IFLA_XDP_DRV_PROG_ID, 11).u32(IFLA_XDP_SKB_PROG_ID, 12);
  w.u32(IFLA_XDP_HW_PROG_ID, 13).u32(IFLA_XDP_FLAGS, 2).u32(99, 0);
  w.endNested(xdp);
  const names = w.beginNested(IFLA_PROP_LIST);
  w.string(IFLA_ALT_IFNAME, 'alt0').string(IFLA_ALT_IFNAME, 'a-much-longer-alternative-name-x');
  w.endNested(names);
  const reason = w.beginNested(IFLA_PROTO_DOWN_REASON);
  w.u32(IFLA_PROTO_DOWN_REASON_VALUE, 0x80);
  w.endNested(reason);
  const info = w.beginNested(IFLA_LINKINFO);
  w.string(IFLA_INFO_KIND, 'dummy');
  w.endNested(info);
  const spec = w.beginNested(IFLA_AF_SPEC);
  const inet = w.beginNested(AF_INET);
  w.binary(1, Buffer.alloc(16, 3));
  w.endNested(inet);
  const inet6 = w.beginNested(AF_INET6);
  w.u32(1, 0).u8(IFLA_INET6_ADDR_GEN_MODE, 1).u8(IFLA_INET6_ADDR_GEN_MODE, 3);
  w.endNested(inet6);
  w.endNested(spec);
  w.endMessage(start);
  return Buffer.from(w.bytes());
}

/** Whether the walk reads the payload of an attribute at this depth under these parents as attributes itself. */
function walkedNest(parents: readonly number[]): boolean {
  const top = parents[0];
  if (parents.length === 0) return true;
  if (parents.length === 1) return top === IFLA_XDP || top === IFLA_AF_SPEC || top === IFLA_PROP_LIST || top === IFLA_PROTO_DOWN_REASON;
  return parents.length === 2 && top === IFLA_AF_SPEC;
}

/** An attribute of a message taken apart: its payload, or the attributes nested in it. */
interface Attr {
  rawType: number;
  payload: Buffer;
  members?: Attr[];
}

function parseAttrs(bytes: Buffer, from: number, end: number, parents: number[]): Attr[] {
  const out: Attr[] = [];
  for (let at = from; at + 4 <= end; ) {
    const len = bytes.readUInt16LE(at);
    const rawType = bytes.readUInt16LE(at + 2);
    const payload = bytes.subarray(at + 4, at + len);
    const path = [...parents, rawType & 0x3fff];
    out.push({ rawType, payload, ...(walkedNest(path) ? { members: parseAttrs(bytes, at + 4, at + len, path) } : {}) });
    at += (len + 3) & ~3;
  }
  return out;
}

function serialize(attrs: readonly Attr[]): Buffer {
  const parts: Buffer[] = [];
  for (const a of attrs) {
    const payload = a.members ? serialize(a.members) : a.payload;
    const header = Buffer.alloc(4);
    header.writeUInt16LE(4 + payload.length, 0);
    header.writeUInt16LE(a.rawType, 2);
    parts.push(header, payload, Buffer.alloc((4 - (payload.length % 4)) % 4));
  }
  return Buffer.concat(parts);
}

/** Copies of `attrs` where one attribute (at any depth) has its payload cut to each of `lengths` bytes. */
function shortened(attrs: readonly Attr[], lengths: readonly number[]): { what: string; attrs: Attr[] }[] {
  const out: { what: string; attrs: Attr[] }[] = [];
  attrs.forEach((a, i) => {
    const replace = (b: Attr) => attrs.map((x, j) => (j === i ? b : x));
    for (const n of lengths) if (n < a.payload.length) out.push({ what: `type ${a.rawType & 0x3fff} cut to ${n} bytes`, attrs: replace({ rawType: a.rawType, payload: a.payload.subarray(0, n) }) });
    if (a.members) for (const inner of shortened(a.members, lengths)) out.push({ what: `type ${a.rawType & 0x3fff} / ${inner.what}`, attrs: replace({ ...a, members: inner.attrs }) });
  });
  return out;
}

/** Offsets of every attribute header the walk reads, nested ones included. */
function headers(bytes: Buffer, from: number, end: number, parents: number[]): number[] {
  const out: number[] = [];
  for (let at = from; at + 4 <= end; ) {
    const len = bytes.readUInt16LE(at);
    if (len < 4 || at + len > end) break;
    out.push(at);
    const path = [...parents, bytes.readUInt16LE(at + 2) & 0x3fff];
    if (walkedNest(path)) out.push(...headers(bytes, at + 4, at + len, path));
    at += (len + 3) & ~3;
  }
  return out;
}

/** A small seeded generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), a | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 0x100000000;
  };
}

/** Damaged copies of a whole message, each with the payload end to decode up to. */
function damaged(bytes: Buffer, next: () => number): { what: string; bytes: Buffer; end: number }[] {
  const end = bytes.readUInt32LE(0);
  const out: { what: string; bytes: Buffer; end: number }[] = [{ what: 'intact', bytes, end }];
  const first = NLMSG_HDRLEN + IFINFOMSG_LEN;
  // Well-formed nests, one payload too short for its type: only the type's own check can refuse it.
  for (const s of shortened(parseAttrs(bytes, first, end, []), [0, 1, 3, 7])) {
    const body = serialize(s.attrs);
    const copy = Buffer.concat([bytes.subarray(0, first), body]);
    copy.writeUInt32LE(copy.length, 0);
    out.push({ what: s.what, bytes: copy, end: copy.length });
  }
  for (const at of headers(bytes, first, end, [])) {
    const len = bytes.readUInt16LE(at);
    for (const bad of [0, 3, 4, 5, 6, 8, len - 1, len + 4, 0xffff]) {
      const copy = Buffer.from(bytes);
      copy.writeUInt16LE(bad & 0xffff, at);
      out.push({ what: `length ${bad} at ${at}`, bytes: copy, end });
    }
    for (const cut of [at + 2, at + 4, at + 5, at + len - 1]) if (cut < end) out.push({ what: `cut at ${cut}`, bytes, end: cut });
  }
  for (let i = 0; i < 40; i++) {
    const copy = Buffer.from(bytes);
    const flips = 1 + Math.floor(next() * 3);
    for (let f = 0; f < flips; f++) {
      const at = NLMSG_HDRLEN + Math.floor(next() * (end - NLMSG_HDRLEN));
      copy[at] = Math.floor(next() * 256);
    }
    out.push({ what: `random bytes #${i}`, bytes: copy, end });
  }
  return out;
}

type Outcome = { keys: string[]; json: string; link: Link } | { error: { message: string; attribute?: string; offset?: number } };

function outcome(decode: () => Link): Outcome {
  try {
    const link = decode();
    const keys = Object.keys(link);
    const json = JSON.stringify(link);
    return { keys, json, link };
  } catch (error) {
    if (!(error instanceof MalformedMessageError)) throw error;
    return { error: { message: error.message, attribute: error.attribute, offset: error.offset } };
  }
}

function sameOutcome(a: Outcome, b: Outcome): boolean {
  if ('error' in a || 'error' in b) return isDeepStrictEqual(a, b);
  return isDeepStrictEqual(a.keys, b.keys) && a.json === b.json && isDeepStrictEqual(a.link, b.link);
}

t.test('the walk reads the attribute types the cursor decoder reads, and no other', async (t) => {
  const differ: number[] = [];
  for (let type = 0; type <= 0x3fff; type++) if (walkReads(type) !== cursorDecoderReads(type)) differ.push(type);
  t.strictSame(differ, []);
  t.ok(walkReads(IFLA_PAD) && walkReads(IFLA_IFNAME) && !walkReads(0x3fff), 'IFLA_PAD and IFLA_IFNAME are read, type 0x3fff is not');
});

t.test(`walk and cursors decode every message, intact or damaged, alike (seed ${SEED})`, async (t) => {
  const next = random(SEED);
  const messages = [...linkMessageCorpus(), { name: 'every attribute', bytes: everyAttribute() }];
  t.ok(messages.length >= 30, `${messages.length} messages`);
  const mismatches: string[] = [];
  let decoded = 0;
  let refused = 0;
  for (const { name, bytes } of messages) {
    for (const c of damaged(bytes, next)) {
      const walked = outcome(() => decodeLinkPayload(c.bytes, NLMSG_HDRLEN, c.end));
      const checked = outcome(() => decodeLinkPayloadWithCursors(c.bytes, NLMSG_HDRLEN, c.end));
      if ('error' in walked) refused++;
      else decoded++;
      if (!sameOutcome(walked, checked)) {
        mismatches.push(`${name}, ${c.what}: walk ${JSON.stringify('error' in walked ? walked.error : walked.keys)}, cursors ${JSON.stringify('error' in checked ? checked.error : checked.keys)}`);
        if (mismatches.length >= 10) break;
      }
    }
  }
  t.strictSame(mismatches, [], 'same links, same errors');
  t.ok(decoded > 1000 && refused > 1000, `${decoded} decoded, ${refused} refused`);
});

t.test('the synthetic message reads into every field', async (t) => {
  const bytes = everyAttribute();
  const link = decodeLinkPayload(bytes, NLMSG_HDRLEN, bytes.length);
  t.match(link, {
    name: 'eth0', mtu: 9000, operstate: 'UP', linkmode: 9, address: '02:00:00:00:00:01', broadcast: 'ff:ff:ff:ff:ff:ff',
    permAddress: '02:00:00:00:00:02', master: 3, link: 4, linkNetnsId: -1, alias: 'uplink', carrier: true, protoDown: false,
    event: 2, extMask: 1, netnsPid: 1, newNetnsId: 5, newIfindex: 9, physPortId: '010203', physPortName: 'p0',
    physSwitchId: 'abcd', parentDevName: '0000:00:03.0', parentDevBusName: 'pci', qdisc: 'fq_codel',
    xdp: { attached: 1, progId: 10, driverProgId: 11, genericProgId: 12, offloadProgId: 13, flags: 2 },
    altNames: ['alt0', 'a-much-longer-alternative-name-x'], protoDownReason: 0x80, kind: 'dummy', inet6AddrGenMode: 3,
  });
  t.equal(link.stats64?.rxPackets, 0x02020202 + 0x02020202 * 0x100000000, 'stats64 is the last IFLA_STATS64');
  const afSpec = link.afSpec!;
  t.equal(bytes.readUInt16LE(bytes.length - afSpec.length - 2) & 0x3fff, IFLA_AF_SPEC, 'afSpec is the payload of the last attribute, IFLA_AF_SPEC');
  t.ok(afSpec.equals(bytes.subarray(bytes.length - afSpec.length)), 'with its bytes');
  t.strictSame(link.unknown.map((a) => a.type), [0x3fff], 'the unknown attribute is kept raw');
});
