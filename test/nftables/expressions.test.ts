import t from 'tap';
import { AttributeCursor, InvalidArgumentError, MessageWriter } from '../../src/netlink/index.js';
import {
  decodeExpression, decodeExpressionList, encodeExpression, encodeExpressionList, registeredExpressionKinds, type Expression,
} from '../../src/nftables/expressions/index.js';

const b = (hex: string) => Buffer.from(hex, 'hex');

/** One or more samples per registered kind; every field set as the kernel reports it. */
const SAMPLES: Expression[] = [
  { kind: 'payload', base: 'network', offset: 12, length: 4, dreg: 1 },
  { kind: 'payload', base: 'transport', offset: 2, length: 2, sreg: 1, csumType: 'inet', csumOffset: 16, csumFlags: 1 },
  { kind: 'meta', key: 'l4proto', dreg: 1 },
  { kind: 'meta', key: 'mark', sreg: 2 },
  { kind: 'cmp', sreg: 1, op: 'neq', data: b('0a580000') },
  { kind: 'bitwise', sreg: 1, dreg: 1, length: 4, op: 'bool', mask: b('fffff000'), xor: b('00000000') },
  { kind: 'bitwise', sreg: 1, dreg: 2, length: 4, op: 'lshift', data: b('08000000') },
  { kind: 'range', sreg: 1, op: 'neq', from: b('03e8'), to: b('07d0') },
  { kind: 'immediate', dreg: 1, data: b('0200000a') },
  { kind: 'immediate', dreg: 0, verdict: { code: 'accept' } },
  { kind: 'immediate', dreg: 0, verdict: { code: 'jump', chain: 'pods' } },
  { kind: 'immediate', dreg: 0, verdict: { code: 'return' } },
  { kind: 'counter', packets: 12, bytes: 3400 },
  { kind: 'lookup', set: 'allowed', sreg: 1, invert: true },
  { kind: 'lookup', set: 'vmap', setId: 7, sreg: 1, dreg: 0, invert: false },
  {
    kind: 'dynset', set: 'seen', op: 'update', sregKey: 1, timeout: 60000, flags: [],
    expressions: [{ kind: 'counter', packets: 0, bytes: 0 }],
  },
  {
    kind: 'dynset', set: 'seen', setId: 3, op: 'add', sregKey: 1, sregData: 2, flags: ['expr'],
    expressions: [{ kind: 'counter', packets: 0, bytes: 0 }, { kind: 'limit', rate: 10, unit: 1, burst: 5, type: 'packets', invert: false }],
  },
  { kind: 'ct', key: 'state', dreg: 1 },
  { kind: 'ct', key: 'mark', sreg: 1 },
  { kind: 'ct', key: 'saddr', dreg: 1, direction: 'original' },
  { kind: 'ct', key: 'zone', sreg: 1, direction: 'reply' },
  { kind: 'nat', type: 'dnat', family: 'ip', addrMin: 1, addrMax: 2, protoMin: 3, protoMax: 4, flags: ['map-ips', 'proto-specified'] },
  { kind: 'nat', type: 'snat', family: 'ip6', addrMin: 1, addrMax: 1, flags: ['map-ips', 'persistent', 'fully-random'] },
  { kind: 'masq' },
  { kind: 'masq', flags: ['proto-specified', 'random'], protoMin: 1, protoMax: 2 },
  { kind: 'redir', protoMin: 1, protoMax: 1, flags: ['proto-specified'] },
  { kind: 'reject', type: 'icmpx-unreach', code: 1 },
  { kind: 'reject', type: 'tcp-rst' },
  { kind: 'limit', rate: 100, unit: 60, burst: 20, type: 'packets', invert: true },
  { kind: 'limit', rate: 1048576, unit: 1, burst: 0, type: 'bytes', invert: false },
  { kind: 'log', prefix: 'pod drop: ', level: 'info', flags: ['tcp sequence', 'ether'] },
  { kind: 'log', group: 2, snaplen: 128, qthreshold: 10 },
  { kind: 'quota', bytes: 10485760, over: true, consumed: 512 },
  { kind: 'fib', dreg: 1, result: 'type', flags: ['daddr'] },
  { kind: 'fib', dreg: 1, result: 'oif', flags: ['saddr', 'iif'] },
  { kind: 'notrack' },
  { kind: 'flow_offload', flowtable: 'ft' },
  { kind: 'objref', objectType: 'counter', name: 'web' },
  { kind: 'objref', sreg: 1, set: 'counters' },
  { kind: 'byteorder', sreg: 1, dreg: 1, op: 'hton', length: 4, size: 4 },
  { kind: 'rt', key: 'nexthop4', dreg: 1 },
  { kind: 'socket', key: 'cgroupv2', dreg: 1, level: 2 },
  { kind: 'socket', key: 'transparent', dreg: 9 },
  { kind: 'numgen', dreg: 1, modulus: 4, type: 'random', offset: 10 },
  { kind: 'hash', sreg: 1, dreg: 1, length: 4, modulus: 2, seed: 0xdead, type: 'jenkins' },
  { kind: 'hash', dreg: 1, modulus: 2, offset: 5, type: 'sym' },
  { kind: 'xfrm', dreg: 1, key: 'reqid', dir: 'out', spnum: 0 },
  { kind: 'osf', dreg: 1, ttl: 'skip', flags: 1 },
  { kind: 'exthdr', dreg: 1, type: 2, offset: 2, length: 2, flags: 0, op: 'tcpopt' },
  { kind: 'exthdr', sreg: 1, type: 2, offset: 2, length: 2, op: 'tcpopt' },
  { kind: 'tproxy', family: 'ip', regAddr: 1, regPort: 2 },
  { kind: 'dup', sregAddr: 1, sregDev: 2 },
  { kind: 'fwd', sregDev: 1, sregAddr: 2, nfproto: 'ip6' },
  { kind: 'synproxy', mss: 1460, wscale: 7, flags: 0x0f },
  { kind: 'connlimit', count: 5, flags: 1 },
];

function encodeOne(e: Expression): Buffer {
  const w = new MessageWriter(64);
  encodeExpression(w, e);
  return Buffer.from(w.bytes());
}

function decodeOne(bytes: Buffer): Expression {
  const outer = new AttributeCursor(bytes, 0, bytes.length);
  outer.next();
  return decodeExpression(outer.nestedCursor());
}

t.test('every registered expression kind has a round-trip sample', async (t) => {
  const sampled = new Set(SAMPLES.map((s) => s.kind));
  for (const kind of registeredExpressionKinds()) t.ok(sampled.has(kind as Expression['kind']), `${kind} is sampled`);
});

t.test('encode → decode gives the expression back, and decode → encode the same bytes', async (t) => {
  for (const sample of SAMPLES) {
    const bytes = encodeOne(sample);
    const decoded = decodeOne(bytes);
    t.strictSame(decoded, sample, `${sample.kind} decodes to what was encoded`);
    t.ok(encodeOne(decoded).equals(bytes), `${sample.kind} re-encodes to identical bytes`);
  }
});

t.test('expressions are wrapped as nft sends them: NFTA_LIST_ELEM { NAME, DATA }', async (t) => {
  const bytes = encodeOne({ kind: 'cmp', sreg: 1, op: 'eq', data: b('06') });
  // list elem (nested, type 1) > name "cmp" > data (nested, type 2) > sreg be32 1, op be32 0, data nest > value 06
  t.equal(bytes.toString('hex'),
    '2c000180' + '08000100636d7000' + '20000280' + '0800010000000001' + '0800020000000000' + '0c000380' + '0500010006000000');
});

t.test('an expression nlkit does not know survives decode and encode unchanged', async (t) => {
  const w = new MessageWriter();
  const elem = w.beginNested(1);
  w.string(1, 'tunnel');
  const data = w.beginNested(2);
  w.be32(1, 1).u8(2, 8).be32(3, 0).be32(4, 1);
  w.endNested(data);
  w.endNested(elem);
  const bytes = Buffer.from(w.bytes());
  const decoded = decodeOne(bytes);
  t.equal(decoded.kind, 'unknown');
  t.match(decoded, { name: 'tunnel' });
  t.ok(encodeOne(decoded).equals(bytes), 'raw data written back verbatim');
});

t.test('unknown attributes of a known expression are kept and written back', async (t) => {
  const w = new MessageWriter();
  const elem = w.beginNested(1);
  w.string(1, 'counter');
  const data = w.beginNested(2);
  w.be64(1, 5n).be64(2, 1n).be32(42, 7);
  w.endNested(data);
  w.endNested(elem);
  const bytes = Buffer.from(w.bytes());
  const decoded = decodeOne(bytes);
  t.match(decoded, { kind: 'counter', bytes: 5, packets: 1, unknown: [{ type: 42, nested: false }] });
  t.ok(encodeOne(decoded).equals(bytes));
});

t.test('lists of expressions round-trip in order', async (t) => {
  const w = new MessageWriter();
  encodeExpressionList(w, 4, SAMPLES);
  const c = new AttributeCursor(w.buf, 0, w.offset);
  c.next();
  t.strictSame(decodeExpressionList(c), SAMPLES);
});

t.test('bad expressions are refused with InvalidArgumentError before anything is sent', async (t) => {
  const bad: [unknown, RegExp][] = [
    [{ kind: 'nosuch' }, /unknown expression kind "nosuch"/],
    [{ kind: 'cmp', sreg: 99, op: 'eq', data: b('01') }, /cmp sreg must be a register number/],
    [{ kind: 'cmp', sreg: 1, op: 'almost', data: b('01') }, /unknown cmp operator "almost"/],
    [{ kind: 'cmp', sreg: 1, op: 'eq', data: Buffer.alloc(0) }, /cmp data must be a non-empty Buffer/],
    [{ kind: 'payload', base: 'network', offset: 1, length: 1 }, /either dreg \(load\) or sreg \(set\)/],
    [{ kind: 'meta', key: 'colour', dreg: 1 }, /unknown meta key "colour"/],
    [{ kind: 'immediate', dreg: 1, verdict: { code: 'accept' } }, /verdict goes to register 0/],
    [{ kind: 'immediate', dreg: 0, verdict: { code: 'jump' } }, /jump needs the name of the chain/],
    [{ kind: 'bitwise', sreg: 1, dreg: 1, length: 4, op: 'bool', mask: b('ff'), xor: b('00') }, /must be 4 bytes/],
    [{ kind: 'nat', type: 'dnat', family: 'ipx' }, /unknown nftables family "ipx"/],
    [{ kind: 'masq', flags: ['sideways'] }, /unknown nat flag "sideways"/],
    [{ kind: 'log', prefix: 'x'.repeat(200) }, /log prefix must be a string shorter than 128 bytes/],
    [{ kind: 'lookup', set: 'x'.repeat(300), sreg: 1 }, /lookup set name is 300 bytes/],
  ];
  for (const [e, message] of bad) t.throws(() => encodeOne(e as Expression), { name: 'InvalidArgumentError', message }, String(message));
  t.throws(() => encodeOne(null as unknown as Expression), InvalidArgumentError);
});
