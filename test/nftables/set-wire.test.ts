// Without the kernel: object maps, set and element expressions, and set userdata survive encode → decode.
import t from 'tap';
import { NFT_SET_EXPR, NFT_SET_OBJECT, NFTA_SET_DATA_LEN, NFTA_SET_DESC, NFTA_SET_FLAGS, NFTA_SET_OBJ_TYPE, NFT_OBJECT_COUNTER } from '../../src/generated/nf_tables.js';
import type { Message } from '../../src/netlink/index.js';
import { decodeRawElements, elementsCommands, interpretElements } from '../../src/nftables/objects/elements.js';
import { addSetCommand, decodeSet, shapeOf, shapeOfListed, type SetSpec } from '../../src/nftables/objects/set.js';
import { nftAttributes } from '../../src/nftables/protocol/nfgenmsg.js';
import { decodeUserdata, encodeUserdata, userdataString, UDATA_SET_COMMENT, UDATA_SET_DATA_INTERVAL } from '../../src/nftables/protocol/userdata.js';
import { messageOf } from './helpers.js';

function attribute(m: Message, type: number): Buffer | undefined {
  const c = nftAttributes(m);
  while (c.next()) if (c.type === type) return c.bytes();
  return undefined;
}

const base: SetSpec = { family: 'inet', table: 't', name: 'm', type: 'ipv4_addr' };

t.test('an object map: NFTA_SET_OBJ_TYPE (be32) and the object flag; listed back with its type', async (t) => {
  const m = messageOf(addSetCommand({ ...base, objectType: 'counter' }, 1));
  t.equal(attribute(m, NFTA_SET_OBJ_TYPE)!.readUInt32BE(0), NFT_OBJECT_COUNTER);
  t.ok(attribute(m, NFTA_SET_FLAGS)!.readUInt32BE(0) & NFT_SET_OBJECT);
  const set = decodeSet(m);
  t.equal(set.objectType, 'counter');
  t.same(set.flags, ['object']);
  t.equal(set.map, undefined);
  t.equal(set.unknown, undefined, 'nothing left undecoded');
  t.ok(shapeOfListed(set)!.object);
});

t.test('object map elements carry NFTA_SET_ELEM_OBJREF; data and object are refused where they do not belong', async (t) => {
  const shape = shapeOf({ ...base, objectType: 'counter' });
  const commands = elementsCommands({ family: 'inet', table: 't', set: 'm' }, shape, [{ key: '10.0.0.1', object: 'c1' }], 'populate');
  const raws = commands.flatMap((c) => decodeRawElements(messageOf(c)));
  t.same(interpretElements(shape, raws), [{ key: '10.0.0.1', object: 'c1' }]);
  t.throws(() => elementsCommands({ family: 'inet', table: 't', set: 'm' }, shape, ['10.0.0.1'], 'add'), /needs object/);
  t.throws(() => elementsCommands({ family: 'inet', table: 't', set: 'm' }, shape, [{ key: '10.0.0.1', data: 'accept' }], 'add'), /object map/);
  t.throws(() => elementsCommands({ family: 'inet', table: 't', set: 'm' }, shapeOf(base), [{ key: '10.0.0.1', object: 'c1' }], 'add'), /not an object map/);
});

t.test('set expressions: one in NFTA_SET_EXPR, several in NFTA_SET_EXPRESSIONS with the expr flag', async (t) => {
  const one = decodeSet(messageOf(addSetCommand({ ...base, expressions: [{ kind: 'counter', packets: 0, bytes: 0 }] }, 1)));
  t.same(one.expressions, [{ kind: 'counter', packets: 0, bytes: 0 }]);
  t.same(one.flags, []);
  const two = messageOf(addSetCommand({ ...base, expressions: [{ kind: 'counter', packets: 0, bytes: 0 }, { kind: 'counter', packets: 1, bytes: 2 }] }, 1));
  t.ok(attribute(two, NFTA_SET_FLAGS)!.readUInt32BE(0) & NFT_SET_EXPR);
  t.same(decodeSet(two).expressions, [{ kind: 'counter', packets: 0, bytes: 0 }, { kind: 'counter', packets: 1, bytes: 2 }]);
});

t.test('element expressions keep their values', async (t) => {
  const shape = shapeOf({ ...base, flags: ['interval'] });
  const expressions = [{ kind: 'counter' as const, packets: 3, bytes: 120 }];
  const commands = elementsCommands({ family: 'inet', table: 't', set: 'm' }, shape, [{ key: '10.0.0.0/8', expressions }], 'populate');
  const raws = commands.flatMap((c) => decodeRawElements(messageOf(c)));
  t.same(raws.filter((r) => r.expressions).length, 1, 'only the start element carries them');
  t.same(interpretElements(shape, raws), [{ key: '10.0.0.0/8', expressions }]);
});

t.test('listed userdata goes back verbatim; a changed comment is replaced in place', async (t) => {
  // typeof ip saddr, auto-merge, comment "a": entries nlkit would not derive from the type.
  const userdata = encodeUserdata([
    { type: 0, value: Buffer.from([2, 0, 0, 0]) },
    { type: 2, value: Buffer.from([1, 0, 0, 0]) },
    { type: 3, value: Buffer.from('0011223344', 'hex') },
    { type: UDATA_SET_COMMENT, value: Buffer.from('a\0') },
  ]);
  const same = decodeSet(messageOf(addSetCommand({ ...base, userdata, comment: 'a' }, 1)));
  t.same(same.userdata, userdata);
  const changed = decodeSet(messageOf(addSetCommand({ ...base, userdata, comment: 'b' }, 1)));
  t.same(decodeUserdata(changed.userdata!).map((e) => e.type), [0, 2, 3, UDATA_SET_COMMENT]);
  t.equal(userdataString(decodeUserdata(changed.userdata!), UDATA_SET_COMMENT), 'b');
  const dropped = decodeSet(messageOf(addSetCommand({ ...base, userdata }, 1)));
  t.same(decodeUserdata(dropped.userdata!).map((e) => e.type), [0, 2, 3]);
  t.throws(() => addSetCommand({ ...base, userdata: 'x' as never }, 1), /userdata must be a Buffer/);
});

t.test('interval map data: twice the data length, start then end, the interval flag in the userdata', async (t) => {
  const spec: SetSpec = { ...base, type: 'ipv4_addr', map: ['ipv4_addr', 'inet_service'], dataInterval: true, flags: ['interval'] };
  const m = messageOf(addSetCommand(spec, 1));
  t.equal(attribute(m, NFTA_SET_DATA_LEN)!.readUInt32BE(0), 16, 'two padded ipv4_addr . inet_service values');
  const listed = decodeSet(m);
  t.equal(listed.dataInterval, true);
  t.same(listed.map, ['ipv4_addr', 'inet_service'], 'the type, not the doubled length');
  // The userdata nft 1.0.6 stored for `type ipv4_addr : interval ipv4_addr . inet_service` (and `: interval ipv4_addr`), byte for byte.
  t.equal(listed.userdata!.toString('hex'), '000402000000010400000000040800040d0000000100060401000000');
  t.equal(decodeSet(messageOf(addSetCommand({ ...spec, map: 'ipv4_addr' }, 1))).userdata!.toString('hex'), '000402000000010402000000060401000000');
  t.same(decodeUserdata(listed.userdata!).find((e) => e.type === UDATA_SET_DATA_INTERVAL)?.value, Buffer.from([1, 0, 0, 0]));
  const shape = shapeOfListed(listed)!;
  const elements = [{ key: '192.0.2.0/24', data: ['10.0.0.1-10.0.0.9', '80-90'] }, { key: '198.51.100.1', data: ['10.1.0.0/16', 443] }];
  const raws = elementsCommands({ family: 'inet', table: 't', set: 'm' }, shape, elements, 'populate').flatMap((c) => decodeRawElements(messageOf(c)));
  // What nft 1.0.6 sent for `192.0.2.0/24 : 10.0.0.1-10.0.0.9 . 80-90` (--debug=netlink): start fields, then end fields.
  t.equal((raws.find((r) => r.data)!.data as Buffer).toString('hex'), '0a000001' + '00500000' + '0a000009' + '005a0000');
  t.same(interpretElements(shape, raws), elements);
  t.throws(() => addSetCommand({ ...base, dataInterval: true }, 1), /dataInterval needs a map whose data is a type/);
  t.throws(() => addSetCommand({ ...base, map: 'verdict', dataInterval: true }, 1), /not a verdict map/);
  t.throws(() => addSetCommand({ ...base, map: 'ipv4_addr', dataInterval: 1 as never }, 1), /dataInterval must be true or false/);
});

t.test('interval map data of one type: a value, a prefix or a range each', async (t) => {
  const shape = shapeOf({ ...base, map: 'ipv4_addr', dataInterval: true, flags: ['interval'] });
  const elements = [{ key: '192.0.2.0/24', data: '10.0.0.1-10.0.0.9' }, { key: '198.51.100.1', data: '10.1.0.0/16' }, { key: '198.51.100.2', data: '10.2.0.1' }];
  const raws = elementsCommands({ family: 'inet', table: 't', set: 'm' }, shape, elements, 'populate').flatMap((c) => decodeRawElements(messageOf(c)));
  t.same(raws.filter((r) => r.data).map((r) => (r.data as Buffer).toString('hex')), ['0a0000010a000009', '0a0100000a01ffff', '0a0200010a020001']);
  t.same(interpretElements(shape, raws), elements);
  const damaged = raws.map((r) => (r.data ? { ...r, data: (r.data as Buffer).subarray(0, 4) } : r));
  t.throws(() => interpretElements(shape, damaged), { name: 'MalformedMessageError', message: /takes 8/ });
});

t.test('a concatenated interval set describes each field by its own length, as nft does', async (t) => {
  const m = messageOf(addSetCommand({ ...base, type: ['ipv4_addr', 'inet_service', 'ifname', 'ether_addr'], flags: ['interval'] }, 1));
  // NFTA_SET_DESC that nft 1.0.6 sent for `type ipv4_addr . inet_service . ifname . ether_addr; flags interval;` (strace).
  t.equal(attribute(m, NFTA_SET_DESC)!.toString('hex'), '340002800c00018008000100000000040c00018008000100000000020c00018008000100000000100c0001800800010000000006');
});
