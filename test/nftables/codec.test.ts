// Encoding without the kernel: batch framing, set userdata and elements as nft writes them.
import t from 'tap';
import {
  NFT_MSG_GETGEN, NFT_MSG_NEWSET, NFT_MSG_NEWTABLE, NFTA_SET_USERDATA, NFT_SET_ELEM_INTERVAL_END,
} from '../../src/generated/nf_tables.js';
import { NETLINK_NETFILTER } from '../../src/generated/netlink.js';
import { describeMessage } from '../../src/netlink/debug.js';
import { parseMessages } from '../../src/netlink/index.js';
import type { NetlinkSocket } from '../../src/netlink/socket.js';
import { KeyType } from '../../src/nftables/objects/datatypes.js';
import { decodeRawElements, elementsCommands, interpretElements } from '../../src/nftables/objects/elements.js';
import { addSetCommand, shapeOf, type SetSpec } from '../../src/nftables/objects/set.js';
import { addTableCommand } from '../../src/nftables/objects/table.js';
import { encodeBatch } from '../../src/nftables/protocol/batch.js';
import { nftAttributes } from '../../src/nftables/protocol/nfgenmsg.js';
import { commentEntry, decodeUserdata, encodeUserdata, UDATA_COMMENT } from '../../src/nftables/protocol/userdata.js';
import { Transaction } from '../../src/nftables/transaction.js';
import '../../src/nftables/protocol/describe.js';
import { messageOf } from './helpers.js';

function fakeSocket(): NetlinkSocket {
  let seq = 100;
  return { allocateSeq: () => ++seq, portId: 1 } as unknown as NetlinkSocket;
}


t.test('a batch is framed as nft frames it: BEGIN (res_id nftables, big-endian), commands, END; then GETGEN apart', async (t) => {
  const command = addTableCommand({ family: 'inet', name: 'f' });
  const batch = encodeBatch(fakeSocket(), [command], { generation: 7, echo: true });
  const [begin, table, end] = parseMessages(batch.bytes, batch.bytes.length);
  t.match(begin, { type: 16, flags: 0x1, seq: 101 });
  t.equal(begin!.buf.toString('hex', begin!.offset, begin!.offset + 4), '0000000a', 'nfgenmsg: AF_UNSPEC, NFNETLINK_V0, res_id htons(10)');
  t.equal(begin!.buf.toString('hex', begin!.offset + 4, begin!.end), '0800010000000007', 'NFNL_BATCH_GENID carries the generation');
  t.match(table, { type: (10 << 8) | NFT_MSG_NEWTABLE, flags: 0x1 | 0x400 | 0x8, seq: 102 }, 'REQUEST | CREATE | ECHO, no ACK');
  t.equal(table!.buf[table!.offset], 1, 'nfgenmsg family NFPROTO_INET');
  t.match(end, { type: 17, flags: 0x1, seq: 103 });
  t.same(batch.seqs, [102]);
  const [fence] = parseMessages(batch.fence, batch.fence.length);
  t.match(fence, { type: (10 << 8) | NFT_MSG_GETGEN, flags: 0x1, seq: 104 });
  t.equal(describeMessage(NETLINK_NETFILTER, begin!), 'BATCH_BEGIN nftables seq=101 flags=REQUEST len=28');
  t.equal(describeMessage(NETLINK_NETFILTER, table!), 'NEWTABLE inet f seq=102 flags=REQUEST|ECHO|0x400 len=28');
  t.throws(() => encodeBatch(fakeSocket(), [command], {}, 40), { name: 'InvalidArgumentError', message: /the batch is 68 bytes, more than the 40-byte send buffer/ });
  t.throws(() => encodeBatch(fakeSocket(), [command], { generation: -1 }), /generation must be a u32/);
});

t.test('userdata is libnftnl TLVs, comments with their NUL', async (t) => {
  const bytes = encodeUserdata([commentEntry(UDATA_COMMENT, 'hello', 'rule')]);
  t.equal(bytes.toString('hex'), '000668656c6c6f00', 'the bytes nft stores for comment "hello"');
  t.same(decodeUserdata(Buffer.concat([bytes, Buffer.from([7, 9, 1])])), [{ type: 0, value: Buffer.from('hello\0') }], 'a truncated tail is dropped');
  t.throws(() => commentEntry(UDATA_COMMENT, 'x'.repeat(129), 'rule'), /at most 128/);
});

t.test('key types fold into nft type numbers and register-aligned lengths', async (t) => {
  const concat = new KeyType('ipv4_addr . inet_service', 'type');
  t.equal(concat.id, (7 << 6) | 13);
  t.equal(concat.length, 8);
  t.same(concat.fieldLengths, [4, 4]);
  t.equal(concat.encode(['10.0.0.1', 80], 'x').toString('hex'), '0a00000100500000');
  t.same(concat.format(Buffer.from('0a00000100500000', 'hex')), ['10.0.0.1', 80]);
  t.same(KeyType.fromId(461, 8)!.spec, ['ipv4_addr', 'inet_service']);
  t.equal(new KeyType('ifname', 'type').encode('eth0', 'x').toString('hex'), '65746830000000000000000000000000');
  t.equal(new KeyType('mark', 'type').encode(0x10, 'x').toString('hex'), '10000000', 'marks are host byte order');
  t.same(new KeyType(['ipv6_addr'], 'type').encodeInterval('fd00::/64', 'x').map((b) => b.toString('hex')), [
    'fd000000000000000000000000000000', 'fd00000000000000ffffffffffffffff',
  ]);
  t.equal(KeyType.fromId(999, 4), undefined, 'unknown type numbers stay unknown');
});

/** NFTA_SET_USERDATA of an addSet command. */
function setUserdata(spec: SetSpec): string {
  const c = nftAttributes(messageOf(addSetCommand(spec, 1)));
  while (c.next()) if (c.type === NFTA_SET_USERDATA) return c.bytes().toString('hex');
  return '';
}

t.test('set userdata is byte for byte what nft stores (captured from nft 1.0.6)', async (t) => {
  const base = { family: 'inet' as const, table: 'f', name: 's' };
  t.equal(setUserdata({ ...base, type: 'ipv4_addr', flags: ['interval'] }), '000402000000');
  t.equal(setUserdata({ ...base, type: 'mark', flags: ['timeout'] }), '000401000000');
  t.equal(setUserdata({ ...base, type: 'inet_proto' }), '000400000000');
  t.equal(setUserdata({ ...base, type: ['ipv4_addr', 'inet_service'] }), '000400000000030800040d0000000100');
  t.equal(setUserdata({ ...base, type: 'inet_service', map: 'ipv4_addr . inet_service' }), '000402000000010400000000040800040d0000000100060400000000');
  t.equal(setUserdata({ ...base, type: 'ifname', map: 'verdict' }), '000401000000010400000000060400000000');
  const message = messageOf(addSetCommand({ ...base, type: 'ipv4_addr . inet_service', flags: ['interval'] }, 3));
  t.match(describeMessage(NETLINK_NETFILTER, message), /^NEWSET inet f s type ipv4_addr \. inet_service flags interval,concat /, 'concatenated interval sets get the concat flag');
  t.equal(message.type & 0xff, NFT_MSG_NEWSET);
});

function wireElements(spec: Pick<SetSpec, 'type' | 'map' | 'flags'>, elements: unknown[], op: 'populate' | 'add' | 'delete' = 'populate') {
  const shape = shapeOf({ name: 's', ...spec });
  const commands = elementsCommands({ family: 'ip', table: 't', set: 's' }, shape, elements as never, op);
  const raws = commands.flatMap((c) => decodeRawElements(messageOf(c)));
  return { shape, commands, raws };
}

t.test('interval elements are start and end elements, in the order and form nft sends them', async (t) => {
  const { shape, raws } = wireElements({ type: 'ipv4_addr', flags: ['interval'] }, ['10.0.0.0/8', '192.168.1.1-192.168.1.5', '1.2.3.4']);
  // What nft 1.0.6 sent for the same `add set` (strace of nft add set ... elements = { ... }).
  t.same(raws.map((r) => [r.key.toString('hex'), r.flags]), [
    ['00000000', NFT_SET_ELEM_INTERVAL_END],
    ['01020304', 0], ['01020305', NFT_SET_ELEM_INTERVAL_END],
    ['0a000000', 0], ['0b000000', NFT_SET_ELEM_INTERVAL_END],
    ['c0a80101', 0], ['c0a80106', NFT_SET_ELEM_INTERVAL_END],
  ]);
  t.same(interpretElements(shape, raws.reverse()), [{ key: '1.2.3.4' }, { key: '10.0.0.0/8' }, { key: '192.168.1.1-192.168.1.5' }], 'joined back, whatever the order');
  const toTheEnd = wireElements({ type: 'ipv4_addr', flags: ['interval'] }, ['0.0.0.0/8', '255.255.255.0/24']);
  t.same(toTheEnd.raws.map((r) => [r.key.toString('hex'), r.flags]), [['00000000', 0], ['01000000', 1], ['ffffff00', 0]], 'no zero sentinel at 0, no end past the last value');
  t.same(interpretElements(toTheEnd.shape, toTheEnd.raws), [{ key: '0.0.0.0/8' }, { key: '255.255.255.0/24' }]);
  const deleting = wireElements({ type: 'inet_service', flags: ['interval'] }, ['1000-2000'], 'delete');
  t.same(deleting.raws.map((r) => [r.key.toString('hex'), r.flags]), [['03e8', 0], ['07d1', 1]], 'deletion sends the pair without the sentinel');
  const later = wireElements({ type: 'inet_service', flags: ['interval'] }, ['1000-2000'], 'add');
  t.same(later.raws.map((r) => r.key.toString('hex')), ['03e8', '07d1'], 'adding to an existing set sends no sentinel');
  const concat = wireElements({ type: ['ipv4_addr', 'inet_service'], flags: ['interval'] }, [['10.0.0.0/8', '80-90'], ['1.1.1.1', 22]]);
  t.same(concat.raws.map((r) => [r.key.toString('hex'), r.keyEnd?.toString('hex')]), [
    ['0a00000000500000', '0affffff005a0000'], ['0101010100160000', '0101010100160000'],
  ], 'concatenated intervals: KEY and inclusive KEY_END');
  t.same(interpretElements(concat.shape, concat.raws), [{ key: ['10.0.0.0/8', '80-90'] }, { key: ['1.1.1.1', 22] }]);
});

t.test('an ifname interval set: names and wildcards as the byte ranges nft sends', async (t) => {
  // Interval sets compare keys byte-wise, so strings need no ordering of their own. What nft 1.0.6
  // sent for `add set inet t s { type ifname; flags interval; elements = { "lo", "wlan*" } }` (--debug=netlink).
  const { shape, raws } = wireElements({ type: 'ifname', flags: ['interval'] }, ['wlan*', 'lo']);
  const name = (text: string, last = 0) => { const b = Buffer.alloc(16); b.write(text); b[15] = last; return b.toString('hex'); };
  t.same(raws.map((r) => [r.key.toString('hex'), r.flags]), [
    [name(''), NFT_SET_ELEM_INTERVAL_END],
    [name('lo'), 0], [name('lo', 1), NFT_SET_ELEM_INTERVAL_END],
    [name('wlan'), 0], [name('wlao'), NFT_SET_ELEM_INTERVAL_END],
  ]);
  t.same(interpretElements(shape, raws), [{ key: 'lo' }, { key: 'wlan*' }]);
});

t.test('map data, verdicts, timeouts and comments travel with their elements', async (t) => {
  const { shape, raws } = wireElements({ type: 'ifname', map: 'verdict' }, [{ key: 'lo', data: 'accept' }, { key: 'veth0', data: 'jump pods' }]);
  t.same(interpretElements(shape, raws), [{ key: 'lo', data: { code: 'accept' } }, { key: 'veth0', data: { code: 'jump', chain: 'pods' } }]);
  const timed = wireElements({ type: 'mark', flags: ['timeout'] }, [{ key: 16, timeout: 3600000, comment: 'one hour' }, 32]);
  t.same(interpretElements(timed.shape, timed.raws), [{ key: 16, timeout: 3600000, comment: 'one hour' }, { key: 32 }]);
});

t.test('an element expiry countdown travels as NFTA_SET_ELEM_EXPIRATION, checked against its timeout', async (t) => {
  const { shape, raws } = wireElements({ type: 'ipv4_addr', flags: ['timeout'] }, [{ key: '10.0.0.1', timeout: 600_000, expires: 120_000 }, { key: '10.0.0.2', expires: 0 }]);
  t.same(raws.map((r) => [r.timeout, r.expires]), [[600_000, 120_000], [undefined, undefined]], '0 means the whole timeout: nothing sent');
  t.same(interpretElements(shape, raws), [{ key: '10.0.0.1', timeout: 600_000, expires: 120_000 }, { key: '10.0.0.2' }]);
  const interval = wireElements({ type: 'ipv4_addr', flags: ['interval', 'timeout'] }, [{ key: '10.0.0.0/8', expires: 5000 }]);
  t.same(interval.raws.map((r) => r.expires), [undefined, 5000, undefined], 'only the start element carries it');
  t.throws(() => wireElements({ type: 'ipv4_addr' }, [{ key: '10.0.0.1', expires: 5 }]), /has expires but the set lacks the timeout flag/);
  t.throws(() => wireElements({ type: 'ipv4_addr', flags: ['timeout'] }, [{ key: '10.0.0.1', timeout: 5, expires: 6 }]), /must not exceed its timeout/);
  t.throws(() => wireElements({ type: 'ipv4_addr', flags: ['timeout'] }, [{ key: '10.0.0.1', expires: -1 }]), /non-negative number of milliseconds/);
});

t.test('big element lists are split into messages whose attributes fit 64 KiB', async (t) => {
  const elements = Array.from({ length: 20000 }, (_, i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
  const { commands, raws } = wireElements({ type: 'ipv4_addr' }, elements);
  t.ok(commands.length > 1, `${commands.length} messages`);
  for (const c of commands) t.ok(messageOf(c).end - messageOf(c).offset < 65535);
  t.equal(raws.length, 20000);
});

t.test('element and set input is checked against the types', async (t) => {
  const bad: [() => unknown, RegExp][] = [
    [() => wireElements({ type: 'ipv4_addr' }, ['10.0.0.300']), /element #0 of ip t s "10.0.0.300" is not an IPv4 address/],
    [() => wireElements({ type: ['ipv4_addr', 'inet_service'] }, ['10.0.0.1']), /must be an array of 2 values \(ipv4_addr \. inet_service\)/],
    [() => wireElements({ type: 'inet_service', map: 'verdict' }, [{ key: 80, data: 'teleport' }]), /is not a verdict/],
    [() => wireElements({ type: 'inet_service', map: 'ipv4_addr' }, [80]), /needs data: the set is a map/],
    [() => wireElements({ type: 'inet_service', flags: ['interval'] }, ['2000-1000']), /is a range whose start is after its end/],
    [() => addSetCommand({ family: 'ip', table: 't', name: 's', type: ['ipv4_addr', 'ipv4_addr', 'ipv4_addr', 'ipv4_addr', 'ipv4_addr', 'ipv4_addr'] }, 1), /must name 1-5 types/],
  ];
  for (const [fn, message] of bad) t.throws(fn, { name: 'InvalidArgumentError', message });
});

t.test('a transaction checks each change as it is queued, and sends nothing on bad input', async (t) => {
  const committer = {
    commit: () => { throw new Error('must not be sent'); },
    commitAsync: () => Promise.reject(new Error('must not be sent')),
  };
  const tx = new Transaction(() => { throw new Error('no lookup expected'); }, committer);
  tx.addTable({ family: 'inet', name: 'ok' });
  t.throws(() => tx.addTable({ family: 'inet6' as 'inet', name: 'x' }), /unknown nftables family "inet6"/);
  t.throws(() => tx.addChain({ family: 'inet', table: 'ok', name: 'c', hook: 'input', priority: 0 }), /needs a type/);
  t.throws(() => tx.addElements({ family: 'inet', table: 'ok', name: 's', type: 'inet_service' }, [-1]), /must be an integer 0-65535/);
  t.throws(() => tx.deleteRule({ family: 'inet', table: 'ok', chain: 'c', handle: 0 }), /rule handle must be a positive integer/);
  t.equal(tx.size, 1, 'only the good change was queued');
  t.throws(() => new Transaction(() => { throw new Error('x'); }, committer).commit(), /the transaction is empty/);
});
