// Without the kernel: the elements nlkit sends for an interval set are the
// ones nft sends, so a re-created set holds exactly what the kernel had.
import t from 'tap';
import { NFT_SET_ELEM_INTERVAL_END } from '../../src/generated/nf_tables.js';
import { decodeRawElements, elementsCommands, type SetElementInput } from '../../src/nftables/objects/elements.js';
import { shapeOf } from '../../src/nftables/objects/set.js';
import { messageOf } from './helpers.js';

/** Elements as `nft --debug=netlink` prints them: key hex, then `end` for an interval end, else the verdict or `start`. */
function wire(type: string, elements: SetElementInput[], anonymous: boolean): string[] {
  const map = elements.some((e) => typeof e === 'object');
  const shape = shapeOf({ name: 'm', type, flags: ['interval'], ...(map ? { map: 'verdict' } : {}) });
  return elementsCommands({ family: 'inet', table: 'x', set: 'm', anonymous }, shape, elements, 'populate')
    .flatMap((c) => decodeRawElements(messageOf(c)))
    .map((e) => `${e.key.toString('hex')} ${e.flags & NFT_SET_ELEM_INTERVAL_END ? 'end' : e.data && 'code' in e.data ? e.data.code : 'start'}`);
}

const PORTS = [{ key: '53', data: 'accept' }, { key: '1-52', data: 'drop' }];

t.test('adjacent intervals of an anonymous set: no end element where the next interval starts', async (t) => {
  // nft 1.0.6 for `udp dport vmap { 53 : accept, 67-68 : accept, 1-52 : drop }` (nft --debug=netlink):
  // 0000 end, 0001 drop, 0035 accept, 0036 end, 0043 accept, 0045 end: none at 0035.
  t.same(wire('inet_service', [...PORTS, { key: '67-68', data: 'accept' }], true), ['0000 end', '0001 drop', '0035 accept', '0036 end', '0043 accept', '0045 end']);
  // `ip daddr vmap { 10.0.0.0/8 : accept, 11.0.0.0/8 : drop }`: 00000000 end, 0a accept, 0b drop, 0c end.
  t.same(wire('ipv4_addr', [{ key: '10.0.0.0/8', data: 'accept' }, { key: '11.0.0.0/8', data: 'drop' }], true), ['00000000 end', '0a000000 accept', '0b000000 drop', '0c000000 end']);
  t.same(wire('integer(32)', [{ key: '0-3', data: 'accept' }, { key: '4-7', data: 'drop' }], true), ['00000000 accept', '00000004 drop', '00000008 end'],
    'jhash … mod 8 vmap { 0-3 : accept, 4-7 : drop }: one end, after the last');
});

t.test('adjacent intervals of a named set: an end element, then the next start at the same key', async (t) => {
  // nft 1.0.6 for `map m { type inet_service : verdict; flags interval; elements = { 53 : accept, 1-52 : drop } }`:
  // 0000 end, 0001 drop, 0035 end, 0035 accept, 0036 end.
  t.same(wire('inet_service', PORTS, false), ['0000 end', '0001 drop', '0035 end', '0035 accept', '0036 end']);
  // `set s { type ipv4_addr; flags interval; elements = { 10.0.0.0/8, 11.0.0.0/8 } }`.
  t.same(wire('ipv4_addr', ['10.0.0.0/8', '11.0.0.0/8'], false), ['00000000 end', '0a000000 start', '0b000000 end', '0b000000 start', '0c000000 end']);
});

t.test('gaps and the last value, either way', async (t) => {
  for (const anonymous of [true, false]) {
    t.same(wire('inet_service', [{ key: '1-2', data: 'accept' }, { key: '4', data: 'drop' }], anonymous), ['0000 end', '0001 accept', '0003 end', '0004 drop', '0005 end'], 'a gap keeps its end element');
    t.same(wire('inet_service', ['65000-65535'], anonymous), ['0000 end', 'fde8 start'], 'an interval up to the last value has none');
  }
});

t.test('an interval that runs to the last value is marked open in its userdata, after its comment', async (t) => {
  const shape = shapeOf({ name: 's', type: 'inet_service', flags: ['interval'] });
  const raws = elementsCommands({ family: 'inet', table: 'x', set: 's' }, shape, [{ key: '65000-65535', comment: 'hi' }, 10], 'populate')
    .flatMap((c) => decodeRawElements(messageOf(c)));
  // nft 1.0.6 for `elements = { 65000-65535 comment "hi", 10 }`: userdata = { \x00\x03hi\x00\x01\x04\x01\x00\x00\x00 }
  // on 0xfde8 (comment, then NFTNL_UDATA_SET_ELEM_FLAGS = NFTNL_SET_ELEM_F_INTERVAL_OPEN), none on the others.
  const open = raws.find((r) => r.key.equals(Buffer.from('fde8', 'hex')))!;
  t.equal(open.userdata?.toString('hex'), '00036869000104' + '01000000');
  t.same(raws.filter((r) => r !== open).map((r) => r.userdata), [undefined, undefined, undefined], 'the other elements carry none');
  const bare = elementsCommands({ family: 'inet', table: 'x', set: 's' }, shape, ['1024-65535'], 'populate').flatMap((c) => decodeRawElements(messageOf(c)));
  t.equal(bare.find((r) => !(r.flags & NFT_SET_ELEM_INTERVAL_END))!.userdata?.toString('hex'), '010401000000', 'without a comment: just the flag');
  const closed = elementsCommands({ family: 'inet', table: 'x', set: 's' }, shape, [{ key: '1-2', comment: 'x' }], 'populate').flatMap((c) => decodeRawElements(messageOf(c)));
  t.equal(closed.find((r) => r.userdata)!.userdata!.toString('hex'), '00027800', 'a closed interval: the comment alone');
});
