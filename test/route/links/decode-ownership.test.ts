// A decoded Link owns its bytes (the socket
// hands decoders a view into a receive buffer it reuses), and the fast paths
// of the attribute cursor and MAC formatting give what Node's own Buffer methods give.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { AttributeCursor } from '../../../src/netlink/attributes.js';
import { formatMac } from '../../../src/netlink/addresses.js';
import { MalformedMessageError } from '../../../src/netlink/message.js';
import { MessageWriter } from '../../../src/netlink/writer.js';
import { RTM_NEWLINK } from '../../../src/generated/rtnetlink.js';
import { decodeLink, decodeStats64, encodeLinkRequest, linkToIpJson, type BridgeInfo, type BridgePortInfo } from '../../../src/route/links/index.js';

/** The cursor's reads as Node's Buffer methods give them: the reference for its byte-level reads. */
function referenceReads(c: AttributeCursor): unknown[] {
  const b = c.buf;
  const at = c.start;
  let end = at + c.length;
  const nul = b.indexOf(0, at);
  if (nul >= 0 && nul < end) end = nul;
  return [
    c.length >= 2 ? [b.readUInt16LE(at), b.readUInt16BE(at)] : null,
    c.length >= 4 ? [b.readUInt32LE(at), b.readUInt32BE(at), b.readInt32LE(at)] : null,
    c.length >= 8 ? b.readUInt32LE(at) + b.readUInt32LE(at + 4) * 0x100000000 : null,
    b.toString('utf8', at, end),
  ];
}

/** Hex bytes joined by colons, the straightforward way: the reference for formatMac. */
function referenceMac(buf: Uint8Array, at: number, length: number): string {
  return Array.from(buf.subarray(at, at + length), (byte) => byte.toString(16).padStart(2, '0')).join(':');
}

const links = (JSON.parse(readFileSync('fixtures/route/links/namespace.json', 'utf8')) as { links: { name: string; hex: string }[] }).links;

t.test('a decoded link stays intact when the buffer it came from is reused', async (t) => {
  const shared = Buffer.alloc(1 << 16);
  for (const captured of links) {
    const bytes = Buffer.from(captured.hex, 'hex');
    const reference = decodeLink(Buffer.from(bytes));
    bytes.copy(shared, 128);
    const link = decodeLink({ type: bytes.readUInt16LE(4), flags: 0, seq: 0, pid: 0, buf: shared, offset: 128 + 16, end: 128 + bytes.length });
    shared.fill(0xee);
    t.strictSame(link, reference, `${captured.name}: every field, raw attribute and view unchanged`);
    t.strictSame(linkToIpJson(link), linkToIpJson(reference));
    t.ok(link.unknown.length > 0 && link.afSpec && link.afSpec.length > 0, `${captured.name} keeps raw bytes`);
  }
});

t.test('links are plain objects', async (t) => {
  const link = decodeLink(Buffer.from(links.find((l) => l.name === 'vh1')!.hex, 'hex'));
  t.equal(Object.getPrototypeOf(link), Object.prototype);
  t.equal(Object.getPrototypeOf(link.slaveInfo as BridgePortInfo), Object.prototype);
  const br0 = decodeLink(Buffer.from(links.find((l) => l.name === 'br0')!.hex, 'hex'));
  t.equal(Object.getPrototypeOf(br0.info as BridgeInfo), Object.prototype);
  t.same(Object.keys(link).slice(0, 13), ['family', 'index', 'name', 'type', 'linkType', 'flags', 'flagNames', 'change', 'up', 'mtu', 'operstate', 'group', 'unknown']);
  const w = new MessageWriter();
  const start = w.beginMessage(RTM_NEWLINK, 0, 1);
  encodeLinkRequest(w, { index: 3, name: 'x0', mtu: 1400 });
  w.endMessage(start);
  const request = decodeLink(Buffer.from(w.bytes()));
  t.strictSame(Object.keys(request), ['family', 'index', 'name', 'type', 'linkType', 'flags', 'flagNames', 'change', 'up', 'mtu', 'operstate', 'group', 'unknown'], 'only the fields sent are present');
});

t.test('the cursor reads what Buffer\'s own methods read', async (t) => {
  let compared = 0;
  const walk = (buf: Buffer, begin: number, end: number, depth: number) => {
    const c = new AttributeCursor(buf, begin, end);
    for (let at = begin; ; ) {
      // The header fields, as the kernel's nla_ok/nla_next define them.
      const len = at + 4 <= end ? buf.readUInt16LE(at) : 0;
      const more = len >= 4 && at + len <= end;
      // Where nla_ok stops at a header that does not fit (payloads that are not attributes), the cursor reports it.
      if (!more && at + 4 <= end) {
        t.throws(() => c.next(), MalformedMessageError);
        return;
      }
      t.equal(c.next(), more);
      if (!more) return;
      t.strictSame([c.type, c.rawType, c.start, c.length], [buf.readUInt16LE(at + 2) & 0x3fff, buf.readUInt16LE(at + 2), at + 4, len - 4]);
      const read = (x: AttributeCursor) => [x.length >= 2 ? [x.u16(), x.be16()] : null, x.length >= 4 ? [x.u32(), x.be32(), x.s32()] : null, x.length >= 8 ? x.u64n() : null, x.string()];
      t.strictSame(read(c), referenceReads(c));
      compared++;
      if (depth < 3 && c.length >= 4) walk(buf, c.start, c.start + c.length, depth + 1);
      at += (len + 3) & ~3;
    }
  };
  for (const captured of links) {
    const bytes = Buffer.from(captured.hex, 'hex');
    walk(bytes, 32, bytes.length, 0);
  }
  t.ok(compared > 500, `${compared} attributes compared`);
  const short = Buffer.from([6, 0, 1, 0, 0x61, 0]);
  const c = new AttributeCursor(short, 0, short.length);
  c.next();
  t.throws(() => c.u32(), { name: 'MalformedMessageError', detail: 'attribute type 1 has 2 bytes, expected at least 4', attribute: 'attribute 1', offset: 0 });
  const utf8 = Buffer.concat([Buffer.from([13, 0, 3, 0]), Buffer.from('héllo\0\0\0')]);
  const u = new AttributeCursor(utf8, 0, utf8.length);
  t.ok(u.next());
  t.equal(u.string(), 'héllo', 'non-ASCII takes the general path');
});

t.test('MAC addresses and stats64 read as before', async (t) => {
  const bytes = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff));
  for (let at = 0; at < 20; at++) for (const length of [0, 1, 6, 8, 20]) t.equal(formatMac(bytes, at, length), referenceMac(bytes, at, length));
  const stats = Buffer.alloc(200);
  stats.writeBigUInt64LE(2n ** 40n + 5n, 16);
  stats.writeBigUInt64LE(0xffffffffn, 8);
  const decoded = decodeStats64(stats, 0, 200);
  t.equal(decoded.rxBytes, 2 ** 40 + 5);
  t.equal(decoded.txPackets, 0xffffffff);
  t.equal(decoded.rxOtherhostDropped, 0);
  t.notOk('rxNohandler' in decodeStats64(stats, 0, 184));
  t.equal(decodeStats64(stats, 0, 20).rxBytes, 0, 'a counter the kernel did not send reads 0');
});
