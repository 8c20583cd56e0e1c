// Set key types a rule's anonymous set can have beyond the ones nft names in
// `type …` declarations: fields held in a wider register (`ip6 dscp { … }`
// keys 16 bits), nft's type 0 (`invalid`), integers beyond 48 bits, ct labels,
// and the types nft 1.0.6 adds for meta, mobility-header, IGMP and DCCP keys.
// Kernel round trips (nft -f, nlkit lists, flush, nlkit re-creates, same nft text
// and JSON) of the sets rules make: fixtures/nftables/corpus/inet-anonymous-set-types.nft;
// ct label sets are not there because nft 1.0.6 cannot list them back.
import t from 'tap';
import { KeyType } from '../../src/nftables/objects/datatypes.js';

const hex = (k: KeyType, v: unknown) => k.encode(v, 'v').toString('hex');
const fmt = (k: KeyType, h: string) => k.format(Buffer.from(h, 'hex'));

t.test('listed key types: a known type at another width, type 0, wide integers, ct_label', async (t) => {
  t.equal(KeyType.fromId(36, 2)!.spec, 'dscp(16)', 'ip6 dscp keys 16 bits');
  t.equal(KeyType.fromId(36, 1)!.spec, 'dscp', 'ip dscp keys its own byte');
  t.equal(KeyType.fromId(0, 2)!.spec, 'invalid(16)', 'nft type 0 with 2 bytes');
  t.equal(KeyType.fromId(0, 0), undefined, 'type 0 without a length is not a type');
  t.equal(KeyType.fromId(30, 16)!.spec, 'ct_label');
  t.equal(KeyType.fromId(46, 8)!.spec, 'cgroupsv2');
  t.equal(KeyType.fromId(4, 8, 1)!.spec, 'integer(64,host)', 'ct bytes');
  t.equal(KeyType.fromId(4, 16)!.spec, 'integer(128)');
  t.equal(KeyType.fromId(7, 2), undefined, 'an address at another width is not a type nlkit invents');
  t.equal(KeyType.fromId(4, 17), undefined, 'integers end at 128 bits');
  t.same(KeyType.fromId((2 << 6) | 12, 8)!.spec, ['nf_proto', 'inet_proto']);
  for (const [id, name] of [[2, 'nf_proto'], [16, 'dccp_pkttype'], [17, 'mh_type'], [35, 'devgroup'], [39, 'boolean'], [40, 'ct_event'], [42, 'igmp_type']] as const) {
    t.equal(new KeyType(name, 't').id, id, `${name} is nft's type ${id}`);
  }
  t.equal(KeyType.fromId(21, 2)!.spec, 'iface_type');
});

t.test('register values: hex strings beyond the field, decimal and names within it', async (t) => {
  const dscp16 = new KeyType('dscp(16)', 't');
  t.equal(dscp16.id, 36, 'keeps dscp\'s number, so nft prints the set as before');
  t.equal(dscp16.length, 2);
  t.equal(hex(dscp16, '0xb80'), '0b80', 'ef where the packet has it');
  t.equal(fmt(dscp16, '0b80'), '0xb80');
  t.equal(hex(dscp16, 512), '0200');
  const dscp = new KeyType('dscp', 't');
  t.equal(fmt(dscp, 'b8'), '0xb8', 'ip dscp { ef }: the byte shifted by 2 formats as hex');
  t.equal(hex(dscp, '0xb8'), 'b8', 'and encodes back');
  t.equal(fmt(dscp, '2e'), 'ef', 'a value within the field keeps its name');
  t.throws(() => dscp.encode(184, 'v'), { name: 'InvalidArgumentError', message: /0-63.*raw register value 0x0-0xff/ }, 'a decimal number must fit the field');
  t.throws(() => dscp.encode('0x100', 'v'), { name: 'InvalidArgumentError' }, 'a hex string must fit the byte');
  t.equal(fmt(new KeyType('dccp_pkttype', 't'), '12'), '0x12', 'dccp type { syncack } is stored shifted by 1');
  const invalid = new KeyType('invalid(16)', 't');
  t.equal(invalid.id, 0);
  t.equal(hex(invalid, '0x50'), '0050');
  t.equal(fmt(invalid, '01bb'), '0x1bb');
});

t.test('wide integers and ct labels', async (t) => {
  const u64 = new KeyType('integer(64,host)', 't');
  t.equal(hex(u64, 2), '0200000000000000');
  t.equal(fmt(u64, '0200000000000000'), 2, 'exact values stay numbers');
  t.equal(fmt(u64, 'ffffffffffffffff'), '18446744073709551615', 'beyond 2^53 a decimal string');
  t.equal(hex(u64, '18446744073709551615'), 'ffffffffffffffff');
  t.equal(hex(new KeyType('integer(128)', 't'), '0x0102'), '00000000000000000000000000000102');
  t.throws(() => u64.encode('18446744073709551616', 'v'), { name: 'InvalidArgumentError', message: /64-bit unsigned integer/ });
  t.throws(() => u64.encode(-1, 'v'), { name: 'InvalidArgumentError' });
  t.throws(() => u64.encode(1.5, 'v'), { name: 'InvalidArgumentError' });
  const label = new KeyType('ct_label', 't');
  t.equal(hex(label, 1), '02000000000000000000000000000000', 'label 1 is bit 1, host order');
  t.equal(hex(label, 127), '00000000000000000000000000000080');
  t.equal(fmt(label, '00000000000000000000000000000080'), 127);
  t.equal(fmt(label, '22000000000000000000000000000000'), '0x22', 'several labels: the bitmask');
  t.equal(hex(label, '0x22'), '22000000000000000000000000000000');
  t.throws(() => label.encode(128, 'v'), { name: 'InvalidArgumentError', message: /ct label bit 0-127/ });
  t.equal(fmt(new KeyType('cgroupsv2', 't'), '3930000000000000'), 12345);
});

t.test('the types nft 1.0.6 names for meta, IGMP, mobility header, DCCP keys', async (t) => {
  const cases: [string, unknown, string, unknown][] = [
    ['nf_proto', 'ipv6', '0a', 'ipv6'],
    ['mh_type', 'binding-update', '05', 'binding-update'],
    ['igmp_type', 'leave-group', '17', 'leave-group'],
    ['dccp_pkttype', 'syncack', '09', 'syncack'],
    ['iface_type', 'loopback', '0403', 'loopback'],
    ['devgroup', 'default', '00000000', 'default'],
    ['devgroup', 7, '07000000', 7],
    ['boolean', 'exists', '01', 'exists'],
    ['ct_event', 'new|destroy', '05000000', 'new|destroy'],
  ];
  for (const [type, value, bytes, back] of cases) {
    const k = new KeyType(type, 't');
    t.equal(hex(k, value), bytes, `${type} ${JSON.stringify(value)}`);
    t.equal(fmt(k, bytes), back, `${type} ${bytes} formats`);
  }
  t.throws(() => new KeyType('boolean', 't').encode(2, 'v'), { name: 'InvalidArgumentError', message: /0-1 or one of exists, missing/ });
});

t.test('refused widths', async (t) => {
  for (const [type, message] of [
    ['ipv4_addr(16)', /only integer types \(and invalid\) can be held at another width/],
    ['ifname(64)', /only integer types/],
    ['nosuch(16)', /only integer types/],
    ['dscp(12)', /unsupported width/],
    ['invalid(256)', /unsupported width/],
    ['invalid', /is not a supported type/],
  ] as const) {
    t.throws(() => new KeyType(type, 'set s type'), { name: 'InvalidArgumentError', message }, type);
  }
});
