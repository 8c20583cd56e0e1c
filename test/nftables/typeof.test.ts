// Without the kernel: typeof userdata nft 1.0.6 wrote (captured from sets it created) sizes the integer and
// string parts of concatenated keys, which the kernel's type number and total length cannot.
import t from 'tap';
import { NFT_SET_INTERVAL, NFTA_SET_FLAGS, NFTA_SET_KEY_LEN, NFTA_SET_KEY_TYPE, NFTA_SET_NAME, NFTA_SET_TABLE, NFTA_SET_USERDATA } from '../../src/generated/nf_tables.js';
import { MessageWriter, parseMessages } from '../../src/netlink/index.js';
import { decodeRawElements, elementsCommands, interpretElements } from '../../src/nftables/objects/elements.js';
import { KeyType } from '../../src/nftables/objects/datatypes.js';
import { decodeSet, shapeOfListed } from '../../src/nftables/objects/set.js';
import { typeofConcatHints } from '../../src/nftables/objects/typeof.js';
import { decodeUserdata, UDATA_SET_KEY_TYPEOF } from '../../src/nftables/protocol/userdata.js';
import { writeNfgenmsg } from '../../src/nftables/protocol/nfgenmsg.js';
import { messageOf } from './helpers.js';

// NFTA_SET_USERDATA of sets nft 1.0.6 created, as the kernel listed them.
const CAPTURED = {
  // typeof ct zone . ct original proto-src . ct bytes
  ctParts: '000400000000034a00040d0000000142001400040c000000010c0004110000000104ffffffff011400040c000000010c00040b000000010400000000021400040c000000010c00040f0000000104ffffffff',
  // typeof meta nftrace . meta secmark . ct helper
  metaParts: '000400000000033e00040d0000000136000e000409000000010600040c000000010e000409000000010600040e000000021400040c000000010c0004060000000104ffffffff',
  // typeof ip ttl . tcp dport
  payloadParts: '000400000000033a00040d0000000132001a000407000000011200040c0000000104080000000404080000000114000407000000010c000408000000010402000000',
  // typeof ether saddr . vlan id (a 12-bit field)
  vlanParts: '000400000000033a00040d00000001320014000407000000010c000411000000010402000000011a000407000000011200041000000001040400000004040c000000',
  // typeof meta cpu . meta length . ip ttl (flags interval)
  intervalParts: '000400000000034400040d000000013c000e0004090000000106000414000000010e0004090000000106000400000000021a000407000000011200040c000000010408000000040408000000',
};

function typeofEntry(hex: string): Buffer {
  return decodeUserdata(Buffer.from(hex, 'hex')).find((e) => e.type === UDATA_SET_KEY_TYPEOF)!.value;
}

/** A NEWSET message as the kernel lists a set: name, key type and length, flags, userdata. */
function listedSet(keyType: number, keyLength: number, userdataHex: string, flags = 0) {
  const w = new MessageWriter();
  const start = w.beginMessage((10 << 8) | 9, 0, 1);
  writeNfgenmsg(w, 2);
  w.string(NFTA_SET_TABLE, 't');
  w.string(NFTA_SET_NAME, 's');
  w.be32(NFTA_SET_FLAGS, flags);
  w.be32(NFTA_SET_KEY_TYPE, keyType);
  w.be32(NFTA_SET_KEY_LEN, keyLength);
  w.binary(NFTA_SET_USERDATA, Buffer.from(userdataHex, 'hex'));
  w.endMessage(start);
  const bytes = Buffer.from(w.bytes());
  return decodeSet(parseMessages(bytes, bytes.length)[0]!);
}

const INTEGER = 4;
const STRING = 5;
const concatId = (...ids: number[]) => ids.reduce((a, id) => (a << 6) | id, 0);

t.test('payload widths, meta and ct keys size the integer and string parts of a typeof concatenation', async (t) => {
  t.same(typeofConcatHints(typeofEntry(CAPTURED.ctParts)), [
    { bits: 16, byteorder: 'host' }, { bits: 16, byteorder: 'big' }, { bits: 64, byteorder: 'host' },
  ]);
  t.same(typeofConcatHints(typeofEntry(CAPTURED.metaParts)), [
    { bits: 8, byteorder: 'host' }, { bits: 32, byteorder: 'host' }, { bits: 128, byteorder: 'host' },
  ]);
  t.same(typeofConcatHints(typeofEntry(CAPTURED.payloadParts)), [{ bits: 8, byteorder: 'big' }, undefined], 'tcp dport has its own type');
  t.same(typeofConcatHints(typeofEntry(CAPTURED.vlanParts)), [undefined, { bits: 16, byteorder: 'big' }], 'a 12-bit vlan id takes two bytes');
  t.equal(typeofConcatHints(Buffer.from('000409000000', 'hex')), undefined, 'not a concatenation');
  t.equal(typeofConcatHints(Buffer.from('00040d000000', 'hex')), undefined, 'a concatenation without parts');
  t.equal(typeofConcatHints(Buffer.from('00040d0000000106ff04', 'hex')), undefined, 'truncated data reads as nothing known');
  t.same(typeofConcatHints(Buffer.from('00040d00000001040002ffff', 'hex')), [undefined], 'a damaged part is a part nothing is known about');
});

t.test('a listed typeof concatenation gets sized types, and its elements read and encode back', async (t) => {
  const meta = listedSet(concatId(INTEGER, INTEGER, STRING), 24, CAPTURED.metaParts);
  t.same(meta.type, ['integer(8,host)', 'integer(32,host)', 'string(128)']);
  const ttl = listedSet(concatId(INTEGER, 13), 8, CAPTURED.payloadParts);
  t.same(ttl.type, ['integer(8)', 'inet_service']);
  const shape = shapeOfListed(ttl)!;
  const raws = elementsCommands({ family: 'ip', table: 't', set: 's' }, shape, [[64, 22]], 'populate').flatMap((c) => decodeRawElements(messageOf(c)));
  t.equal(raws[0]!.key.toString('hex'), '40000000' + '00160000', 'ttl in the first byte of its register, as the payload loads it');
  t.same(interpretElements(shape, raws), [{ key: [64, 22] }]);
  // Without a typeof entry the parts stay unknown: the raw type number.
  t.equal(listedSet(concatId(INTEGER, 13), 8, '0004000000000304' + '00040d000000').type, concatId(INTEGER, 13));
  t.equal(KeyType.fromId(concatId(INTEGER, 13), 8, undefined, [undefined, undefined]), undefined);
  t.equal(KeyType.fromId(concatId(INTEGER, 13), 12, undefined, [{ bits: 8, byteorder: 'big' }]), undefined, 'a length that does not add up');
});

t.test('host-order integer parts of a concatenated interval set are stored big-endian, as nft stores them', async (t) => {
  const set = listedSet(concatId(INTEGER, INTEGER, INTEGER), 12, CAPTURED.intervalParts, NFT_SET_INTERVAL);
  t.same(set.type, ['integer(32,host)', 'integer(32,host)', 'integer(8)']);
  const shape = shapeOfListed(set)!;
  const raws = elementsCommands({ family: 'ip', table: 't', set: 's' }, shape, [['0-1', '0-100', 64]], 'populate').flatMap((c) => decodeRawElements(messageOf(c)));
  // What nft 1.0.6 sent for `0-1 . 0-100 . 64` (--debug=netlink).
  t.same([raws[0]!.key.toString('hex'), raws[0]!.keyEnd!.toString('hex')], ['00000000' + '00000000' + '40000000', '00000001' + '00000064' + '40000000']);
  t.same(interpretElements(shape, raws), [{ key: ['0-1', '0-100', 64] }]);
});
