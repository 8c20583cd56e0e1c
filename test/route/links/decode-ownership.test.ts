// Proposed for test/route/links/: a decoded Link owns its bytes (the socket
// hands decoders a view into a receive buffer it reuses), and the fast paths
// of the link decoder give what the general ones give.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { AttributeCursor } from '../../../src/netlink/attributes.js';
import { formatMac } from '../../../src/netlink/addresses.js';
import { MessageWriter } from '../../../src/netlink/writer.js';
import { RTM_NEWLINK } from '../../../src/generated/rtnetlink.js';
import { decodeLink, decodeStats64, encodeLinkRequest, linkToIpJson, type BridgeInfo, type BridgePortInfo } from '../../../src/route/links/index.js';
import { LinkAttributeCursor } from '../../../src/route/links/link-cursor.js';
import { formatMacBytes } from '../../../src/route/links/mac-format.js';

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

t.test('the link cursor reads what AttributeCursor reads', async (t) => {
  let compared = 0;
  const walk = (buf: Buffer, begin: number, end: number, depth: number) => {
    const a = new AttributeCursor(buf, begin, end);
    const b = new LinkAttributeCursor(buf, begin, end);
    for (;;) {
      const more = a.next();
      t.equal(b.next(), more);
      if (!more) return;
      t.strictSame([b.type, b.rawType, b.start, b.length], [a.type, a.rawType, a.start, a.length]);
      const read = (c: AttributeCursor) => [c.length >= 2 ? [c.u16(), c.be16()] : null, c.length >= 4 ? [c.u32(), c.be32(), c.s32()] : null, c.length >= 8 ? c.u64n() : null, c.string()];
      t.strictSame(read(b), read(a));
      compared++;
      if (depth < 3 && a.length >= 4) walk(buf, a.start, a.start + a.length, depth + 1);
    }
  };
  for (const captured of links) {
    const bytes = Buffer.from(captured.hex, 'hex');
    walk(bytes, 32, bytes.length, 0);
  }
  t.ok(compared > 500, `${compared} attributes compared`);
  const short = Buffer.from([6, 0, 1, 0, 0x61, 0]);
  const c = new LinkAttributeCursor(short, 0, short.length);
  c.next();
  t.throws(() => c.u32(), new RangeError('attribute type 1 has 2 bytes, expected at least 4'));
  const utf8 = Buffer.concat([Buffer.from([13, 0, 3, 0]), Buffer.from('héllo\0\0\0')]);
  const u = new LinkAttributeCursor(utf8, 0, utf8.length);
  t.ok(u.next());
  t.equal(u.string(), 'héllo', 'non-ASCII takes the general path');
});

t.test('MAC addresses and stats64 read as before', async (t) => {
  const bytes = Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff));
  for (let at = 0; at < 20; at++) for (const length of [0, 1, 6, 8, 20]) t.equal(formatMacBytes(bytes, at, length), formatMac(bytes, at, length));
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
