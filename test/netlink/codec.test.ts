import t from 'tap';
import {
  AttributeCursor, MessageWriter, parseMessages, detachMessage, NLA_F_NESTED, findAttributePath,
  encodeIp, formatIp, parseCidr, requireIp, encodeMac, formatMac, InvalidArgumentError, MalformedMessageError,
} from '../../src/netlink/index.js';

t.test('messages and attributes are framed and aligned as the kernel expects', async (t) => {
  const w = new MessageWriter(8);
  const start = w.beginMessage(16, 0x405, 7, 0);
  w.reserve(16);
  w.u8(1, 0xab).u16(2, 0x1234).u32(3, 0xdeadbeef).be16(4, 0x1234).s32(5, -2).u64(6, 2n ** 40n).string(7, 'eth0');
  const nest = w.beginNested(8);
  w.flag(9).ip(10, '10.1.2.3');
  w.endNested(nest);
  w.endMessage(start);
  const bytes = w.bytes();
  t.equal(bytes.length % 4, 0, 'message length is 4-aligned');
  t.equal(bytes.readUInt32LE(0), bytes.length, 'nlmsg_len patched');
  // u8 attribute: len 5, padded to 8
  t.same([...bytes.subarray(32, 40)], [5, 0, 1, 0, 0xab, 0, 0, 0]);
  const [m] = parseMessages(bytes, bytes.length);
  t.match(m, { type: 16, flags: 0x405, seq: 7, pid: 0 });
  const c = new AttributeCursor(m!.buf, m!.offset + 16, m!.end);
  const seen: unknown[] = [];
  while (c.next()) {
    switch (c.type) {
      case 1: seen.push(c.u8()); break;
      case 2: seen.push(c.u16()); break;
      case 3: seen.push(c.u32()); break;
      case 4: seen.push(c.be16()); break;
      case 5: seen.push(c.s32()); break;
      case 6: seen.push(c.u64()); break;
      case 7: seen.push(c.string()); break;
      case 8: {
        t.ok(c.nested, 'NLA_F_NESTED set');
        t.equal(c.rawType, 8 | NLA_F_NESTED);
        const inner = c.nestedCursor();
        const kids: unknown[] = [];
        while (inner.next()) kids.push(inner.length === 0 ? 'flag' : inner.ip());
        seen.push(kids);
      }
    }
  }
  t.same(seen, [0xab, 0x1234, 0xdeadbeef, 0x1234, -2, 2n ** 40n, 'eth0', ['flag', '10.1.2.3']]);
});

t.test('a short attribute is reported, not misread', async (t) => {
  const w = new MessageWriter();
  w.u16(1, 5);
  const c = new AttributeCursor(w.buf, 0, w.offset);
  t.ok(c.next());
  t.throws(() => c.u32(), /attribute type 1 has 2 bytes, expected at least 4/);
});

t.test('parseMessages rejects a length that overruns the datagram', async (t) => {
  const b = Buffer.alloc(20);
  b.writeUInt32LE(40, 0);
  t.throws(() => parseMessages(b, 20), MalformedMessageError);
  const ok = Buffer.alloc(20);
  ok.writeUInt32LE(20, 0);
  const [m] = parseMessages(ok, 20);
  const copy = detachMessage(m!);
  ok.fill(0xff);
  t.equal(copy.buf.readUInt32LE(0), 20, 'detached copy survives buffer reuse');
});

t.test('findAttributePath descends into nested attributes', async (t) => {
  const w = new MessageWriter();
  const start = w.beginMessage(16, 5, 1);
  w.reserve(16);
  w.string(3, 'x');
  const outer = w.beginNested(18);
  w.string(1, 'veth');
  const data = w.beginNested(2);
  const target = w.offset;
  w.u32(1, 5);
  w.endNested(data);
  w.endNested(outer);
  w.endMessage(start);
  t.same(findAttributePath(w.bytes(), 16, target), [18, 2, 1]);
  t.same(findAttributePath(w.bytes(), 16, 32), [3]);
  t.equal(findAttributePath(w.bytes(), 16, 9999), undefined);
});

t.test('findAttributePath skips a fixed header that opens a nested attribute', async (t) => {
  const w = new MessageWriter();
  const start = w.beginMessage(16, 5, 1);
  w.reserve(16);
  const peer = w.beginNested(1);
  w.reserve(16); // the peer's own ifinfomsg, as in VETH_INFO_PEER
  const target = w.offset;
  w.string(3, 'eth0');
  w.endNested(peer);
  w.endMessage(start);
  t.same(findAttributePath(w.bytes(), 16, target, (path) => (path.length === 1 && path[0] === 1 ? 16 : 0)), [1, 3]);
  t.not(JSON.stringify(findAttributePath(w.bytes(), 16, target)), '[1,3]', 'without the header length the walk misreads the nest');
});

t.test('addresses: encode, format, CIDR and MAC validation', async (t) => {
  const cases: [string, string][] = [
    ['10.0.0.1', '0a000001'],
    ['::1', '00000000000000000000000000000001'],
    ['fd00:1::5', 'fd000001000000000000000000000005'],
    ['2001:db8::ffff:1.2.3.4', '20010db8000000000000ffff01020304'],
  ];
  for (const [text, hex] of cases) t.equal(encodeIp(text).toString('hex'), hex, text);
  t.equal(formatIp(Buffer.from('fd000001000000000000000000000005', 'hex')), 'fd00:1::5');
  t.equal(formatIp(Buffer.from('20010db8000000010000000000000001', 'hex')), '2001:db8:0:1::1');
  t.equal(formatIp(Buffer.from('00000000000000000000ffff0a000001', 'hex')), '::ffff:10.0.0.1');
  t.equal(formatIp(Buffer.from('00000000000000000000000000000000', 'hex')), '::');
  t.same(parseCidr('10.0.0.1/24'), { address: '10.0.0.1', prefixLength: 24, family: 4 });
  t.same(parseCidr('fd00::1'), { address: 'fd00::1', prefixLength: 128, family: 6 });
  t.throws(() => parseCidr('10.0.0.1/33'), /invalid prefix length \(0-32/);
  t.throws(() => parseCidr('10.0.0/24'), InvalidArgumentError);
  t.throws(() => parseCidr('10.0.0.1/2x'), InvalidArgumentError);
  t.throws(() => requireIp('fd00::1', 'gateway', 4), /is IPv6 but the request is IPv4/);
  t.throws(() => encodeIp('300.1.1.1'), InvalidArgumentError);
  t.equal(encodeMac('02:AA:00:00:00:01').toString('hex'), '02aa00000001');
  t.equal(formatMac(Buffer.from('02aa00000001', 'hex')), '02:aa:00:00:00:01');
  t.throws(() => encodeMac('02:aa:00:00:00:1'), /not a MAC address/);
});
