// Flowtables and `flow add @ft`. The kernel here has no nf_flow_table (nft's
// own `add flowtable` fails with ENOENT), so the encoder is proven against
// what nft 1.0.6 sends (fixtures/nftables/flowtable.json, captured with
// strace by fixtures/nftables/flowtable-capture.ts): nlkit's messages must
// equal nft's byte for byte, and nft's messages decode into the listed shape.
// The kernel tests check what this kernel does answer: an empty flowtable
// dump, a refused flowtable that leaves nothing behind.
import { readFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { NetlinkBatchError, NetlinkError } from '../../src/netlink/errors.js';
import { parseMessages, type Message } from '../../src/netlink/index.js';
import { NFT_MSG_GETFLOWTABLE } from '../../src/generated/nf_tables.js';
import { Transaction, type Expression, type Flowtable } from '../../src/nftables/index.js';
import { decodeFlowtable } from '../../src/nftables/objects/flowtable.js';
import { describeNftMessage } from '../../src/nftables/protocol/describe.js';
import { nftMessageType } from '../../src/nftables/protocol/nfgenmsg.js';
import { decodeRule } from '../../src/nftables/objects/rule.js';
import { requireRoot, testNetns, ip } from '../helpers/netns.js';
import { messageOf, nft, nftJson, openFor } from './helpers.js';

interface Capture {
  name: string;
  nft: string;
  refused: string | null;
  messages: string[];
}
const fixture: { captured: { nft: string }; cases: Capture[] } = JSON.parse(
  readFileSync(new URL('../../fixtures/nftables/flowtable.json', import.meta.url), 'utf8'),
);

function capture(name: string): Message[] {
  const c = fixture.cases.find((x) => x.name === name);
  if (!c) throw new Error(`no capture named ${name}`);
  return c.messages.map((hex) => {
    const buf = Buffer.from(hex, 'hex');
    return parseMessages(buf, buf.length)[0]!;
  });
}

/** A transaction that only queues (never commits): what nlkit would send. */
function queueOnly(): Transaction {
  const fail = () => {
    throw new Error('not committed in this test');
  };
  return new Transaction(fail, { commit: fail, commitAsync: fail });
}

/** A message without its sequence number and port id: type, flags, nfgenmsg and attributes. */
function comparable(m: Message): string {
  const bytes = m.buf.subarray(m.offset - 16, m.end);
  return `${bytes.toString('hex', 0, 8)}|${bytes.toString('hex', 16)}`;
}

/** nlkit's queued commands as they go out, next to nft's messages. */
function sameAsNft(tt: Test, tx: Transaction, captured: Message[], what: string): void {
  tt.same(tx.pending.map((c) => comparable(messageOf(c))), captured.map(comparable), what);
}

const META_L4PROTO_TCP: Expression[] = [
  { kind: 'meta', key: 'l4proto', dreg: 1 },
  { kind: 'cmp', sreg: 1, op: 'eq', data: Buffer.from([6]) },
];

t.test('the fixture was captured from nft, and the kernel refused every batch', async (t) => {
  t.match(fixture.captured.nft, /^nftables v1\.0\./);
  t.equal(fixture.cases.length, 6);
  for (const c of fixture.cases) t.match(c.refused, /No such file or directory/, `${c.name}: refused by a kernel without nf_flow_table`);
});

t.test('add flowtable: nlkit sends what nft sends, attribute for attribute', async (t) => {
  // nft sends `devices = { v0, v1 }` as v1, v0; nlkit sends devices in the order given.
  sameAsNft(t, queueOnly().addFlowtable({ family: 'inet', table: 't', name: 'f', hook: 'ingress', priority: 0, devices: ['v1', 'v0'] }),
    capture('add flowtable, two devices'), 'two devices, no flags (the flags attribute goes out as 0)');
  sameAsNft(t, queueOnly().addFlowtable({ family: 'inet', table: 't', name: 'f', priority: 'filter', devices: ['v1', 'v0'] }),
    capture('add flowtable, two devices'), 'priority filter is 0, hook ingress the default');
  sameAsNft(t, queueOnly().addFlowtable({ family: 'inet', table: 't', name: 'g', priority: 10, devices: ['v0'], flags: ['hw-offload', 'counter'] }),
    capture('add flowtable, offload and counter'), 'flags offload; counter; priority filter + 10');
  // (The case's first message is nft's `add table ip t`, which is not what is under test here.)
  sameAsNft(t, queueOnly().addFlowtable({ family: 'ip', table: 't', name: 'h', priority: -5, devices: ['v1'] }, { exclusive: true }),
    capture('create flowtable, ip family, negative priority').slice(1), 'create (NLM_F_EXCL), ip family, priority -5');
});

t.test('delete flowtable, by name and by handle, as nft sends it', async (t) => {
  sameAsNft(t, queueOnly().addFlowtable({ family: 'inet', table: 't', name: 'f', priority: 0, devices: ['v0'] }).deleteFlowtable({ family: 'inet', table: 't', name: 'f' }),
    capture('delete flowtable by name'), 'by name');
  sameAsNft(t, queueOnly().deleteFlowtable({ family: 'inet', table: 't', handle: 5 }), capture('delete flowtable by handle'), 'by handle');
});

t.test('flow add @f: the flow_offload expression as nft sends it', async (t) => {
  const [, ruleMessage] = capture('rule flow add @f');
  const tx = queueOnly()
    .addFlowtable({ family: 'inet', table: 't', name: 'f', priority: 0, devices: ['v1', 'v0'] })
    .addRule({ family: 'inet', table: 't', chain: 'ftchain', expressions: [...META_L4PROTO_TCP, { kind: 'flow_offload', flowtable: 'f' }] });
  sameAsNft(t, tx, capture('rule flow add @f'), 'flowtable and rule');
  const decoded = decodeRule(ruleMessage!);
  t.same(decoded.expressions.at(-1), { kind: 'flow_offload', flowtable: 'f' }, 'nft\'s rule decodes to the flow_offload expression');
  t.same(decoded.expressions.slice(0, 2), META_L4PROTO_TCP);
});

t.test('nft\'s NEWFLOWTABLE decodes into the listed shape, which encodes back to the same bytes', async (t) => {
  const expected: Record<string, Flowtable> = {
    'add flowtable, two devices': { family: 'inet', table: 't', name: 'f', handle: 0, use: 0, hook: 'ingress', priority: 0, devices: ['v1', 'v0'], flags: [] },
    'add flowtable, offload and counter': { family: 'inet', table: 't', name: 'g', handle: 0, use: 0, hook: 'ingress', priority: 10, devices: ['v0'], flags: ['hw-offload', 'counter'] },
  };
  for (const [name, flowtable] of Object.entries(expected)) {
    const [m] = capture(name);
    const decoded = decodeFlowtable(m!);
    t.same(decoded, flowtable, `${name}: decoded`);
    t.notOk('unknown' in decoded, `${name}: every attribute understood`);
    sameAsNft(t, queueOnly().addFlowtable(decoded), [m!], `${name}: the decoded flowtable, added again, is nft's message`);
  }
  t.equal(describeNftMessage(capture('add flowtable, two devices')[0]!), 'NEWFLOWTABLE inet t f { hook ingress priority 0 devices v1,v0 }', 'DEBUG=nlkit:* line');
  t.equal(describeNftMessage(capture('delete flowtable by handle')[0]!), 'DELFLOWTABLE inet t handle 5');
  const negative = decodeFlowtable(capture('create flowtable, ip family, negative priority')[1]!);
  t.equal(negative.priority, -5, 'a negative priority decodes signed');
  t.equal(negative.family, 'ip');
});

t.test('decoding keeps attributes it does not know and never throws untyped errors on truncated bytes', async (t) => {
  const [m] = capture('add flowtable, two devices');
  const bytes = Buffer.from(m!.buf.subarray(m!.offset - 16, m!.end));
  // An attribute type the kernel may add later (99), appended to nft's message.
  const extended = Buffer.concat([bytes, Buffer.from('0800630001020304', 'hex')]);
  extended.writeUInt32LE(extended.length, 0);
  const decoded = decodeFlowtable(parseMessages(extended, extended.length)[0]!);
  t.equal(decoded.unknown?.length, 1, 'the unknown attribute is kept');
  t.equal(decoded.unknown?.[0]?.type, 99);
  for (let cut = 20; cut < bytes.length; cut += 4) {
    const truncated = Buffer.from(bytes.subarray(0, cut));
    truncated.writeUInt32LE(cut, 0);
    try {
      decodeFlowtable(parseMessages(truncated, cut)[0]!);
    } catch (error) {
      t.not((error as Error).constructor, TypeError, `cut at ${cut}: no TypeError`);
      t.not((error as Error).constructor, RangeError, `cut at ${cut}: no RangeError`);
    }
  }
});

t.test('bad flowtable input is refused before anything is sent', async (t) => {
  const tx = queueOnly();
  const base = { family: 'inet', table: 't', name: 'f', priority: 0 } as const;
  const refused: [unknown, RegExp][] = [
    [{ ...base, family: 'netdev' }, /netdev has no flowtables; use one of ip, ip6, inet/],
    [{ ...base, family: 'bogus' }, /family/],
    [{ family: 'inet', table: 't', name: 'f' }, /needs a priority/],
    [{ ...base, hook: 'egress' }, /hook must be 'ingress'/],
    [{ ...base, priority: 'dstnat-ish' }, /priority/],
    [{ ...base, devices: 'v0' }, /devices must be an array/],
    [{ ...base, devices: ['a-very-long-interface-name'] }, /interface name of 1-15 bytes/],
    [{ ...base, devices: ['v0', 'v0'] }, /listed twice/],
    [{ ...base, flags: ['offload'] }, /unknown flowtable flag "offload"/],
    [{ ...base, device: 'v0' }, /flowtable spec has no option "device"/],
    [{ ...base, name: '' }, /flowtable name must not be empty/],
    [null, /flowtable spec must be an object/],
  ];
  for (const [spec, message] of refused) t.throws(() => tx.addFlowtable(spec as never), { name: 'InvalidArgumentError', message }, JSON.stringify(spec));
  t.throws(() => tx.deleteFlowtable({ family: 'inet', table: 't' } as never), InvalidArgumentError, 'a ref without name or handle');
  t.throws(() => tx.deleteFlowtable({ family: 'inet', table: 't', handle: 0 }), /handle must be a positive integer/);
  t.throws(() => tx.addRule({ family: 'inet', table: 't', chain: 'c', expressions: [{ kind: 'flow_offload', flowtable: '' }] }), /flowtable name must not be empty/);
  t.equal(tx.size, 0, 'nothing was queued');
});

t.test('kernel: a kernel without nf_flow_table lists no flowtables and refuses one atomically', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftflow');
  ip(ns!, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
  nft(ns!, 'add', 'table', 'inet', 't');
  const conn = openFor(t, ns!);
  // What this kernel answers to an NFT_MSG_GETFLOWTABLE dump: nothing (nft -j agrees).
  t.same(conn.listFlowtables(), [], 'listFlowtables is empty');
  t.same(await conn.listFlowtablesAsync({ family: 'inet' }), []);
  t.same(nftJson(ns!, 'flowtables').filter((o) => o.flowtable), [], 'nft -j list flowtables is empty too');
  t.same(conn.listRuleset().flowtables, [], 'listRuleset works and has no flowtables');
  const spec = { family: 'inet', table: 't', name: 'f', priority: 0, devices: ['v0', 'v1'] } as const;
  let supported = true;
  try {
    conn.addFlowtable(spec);
  } catch (error) {
    t.type(error, NetlinkError);
    t.equal((error as NetlinkError).code, 'ENOENT', 'refused as nft\'s own add flowtable is (no nf_flow_table here)');
    supported = false;
  }
  if (supported) {
    // A kernel with flowtables: the listing must match nft's.
    const [listed] = conn.listFlowtables();
    const [json] = nftJson(ns!, 'flowtables').filter((o) => o.flowtable).map((o) => o.flowtable);
    t.same({ name: listed!.name, hook: listed!.hook, prio: listed!.priority, dev: [...listed!.devices].sort() }, { name: json.name, hook: json.hook, prio: json.prio, dev: [...json.dev].sort() });
    return;
  }
  // A ruleset that carries a flowtable is refused whole: the chain queued before it is not left behind.
  t.throws(() => conn.addRuleset({ chains: [{ family: 'inet', table: 't', name: 'c' }], flowtables: [spec] }), NetlinkBatchError);
  t.same(conn.listChains({ family: 'inet', table: 't' }), [], 'nothing of the refused ruleset is there');
});

t.test('kernel: listRuleset takes a flowtable dump error of an older kernel as "no flowtables", and no other error', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'nftflow');
  nft(ns!, 'add', 'table', 'inet', 't');
  const conn = openFor(t, ns!);
  // Kernels before 4.16 have no NFT_MSG_GETFLOWTABLE: nfnetlink answers the dump with an error.
  let answer = 0;
  const socket = conn.socket as unknown as { dump: typeof conn.socket.dump; dumpAsync: typeof conn.socket.dumpAsync };
  const dump = socket.dump.bind(conn.socket);
  const dumpAsync = socket.dumpAsync.bind(conn.socket);
  const flowtableDump = (type: number) => type === nftMessageType(NFT_MSG_GETFLOWTABLE);
  socket.dump = ((request, op, decode) => {
    if (flowtableDump(request.type)) throw new NetlinkError(answer, op);
    return dump(request, op, decode);
  }) as typeof socket.dump;
  socket.dumpAsync = ((request, op, decode) => {
    if (flowtableDump(request.type)) return Promise.reject(new NetlinkError(answer, op));
    return dumpAsync(request, op, decode);
  }) as typeof socket.dumpAsync;
  for (const [errno, code] of [[22, 'EINVAL'], [95, 'EOPNOTSUPP']] as const) {
    answer = errno;
    const listed = conn.listRuleset();
    t.same([listed.tables.map((x) => x.name), listed.flowtables], [['t'], []], `${code}: the ruleset lists, without flowtables`);
    t.same((await conn.listRulesetAsync()).flowtables, [], `${code}: and so does the Promise form`);
    t.throws(() => conn.listFlowtables(), { name: 'NetlinkError', code }, `${code}: listFlowtables itself reports it`);
  }
  answer = 1;
  t.throws(() => conn.listRuleset(), { name: 'NetlinkError', code: 'EPERM' }, 'any other error is not swallowed');
  await t.rejects(conn.listRulesetAsync(), { name: 'NetlinkError', code: 'EPERM' });
});
