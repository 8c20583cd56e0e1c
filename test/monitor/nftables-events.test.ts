// nf_tables notifications as monitor events. Live (root): a raw
// NETLINK_NETFILTER socket joined to NFNLGRP_NFTABLES in a namespace the test
// created reads what the kernel announces while nlkit and nft change that
// namespace's ruleset. Without root: the notifications of
// fixtures/monitor/nftables-notifications.json, and every notification seen
// truncated and corrupted byte by byte, which must decode or raise
// MalformedMessageError and nothing else.
import { readFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import { NFT_MSG_NEWFLOWTABLE, NFT_MSG_NEWGEN, NFT_MSG_NEWTABLE, NFT_MSG_TRACE, NFTA_GEN_ID } from '../../src/generated/nf_tables.js';
import { NETLINK_ADD_MEMBERSHIP, NETLINK_NETFILTER } from '../../src/generated/netlink.js';
import { NFNL_SUBSYS_CTNETLINK } from '../../src/generated/nfnetlink.js';
import {
  decodeNftablesEvent, NFTABLES_EVENT_GROUP, type NftablesEvent, type NftablesEventKind, type NotifiedSetElement,
} from '../../src/monitor/nftables-events.js';
import {
  detachMessage, MalformedMessageError, NLM_F_APPEND, NLM_F_CREATE, NLM_F_REPLACE, NLMSG_ERROR, parseMessages, type Message,
} from '../../src/netlink/message.js';
import { MessageWriter, NLMSG_HDRLEN } from '../../src/netlink/writer.js';
import type { NetlinkSocket } from '../../src/netlink/socket.js';
import { openNetlinkSocket } from '../../src/netns/socket.js';
import { openNftables, rule, type NftablesConnection } from '../../src/nftables/index.js';
import { nftMessageType, writeNfgenmsg } from '../../src/nftables/protocol/nfgenmsg.js';
import { SOL_NETLINK } from '../../src/sys/constants.js';
import { MSG_DONTWAIT, pollReadable, recv, setIntOption } from '../../src/sys/libc.js';
import { isRoot, testNetns } from '../helpers/netns.js';
import { nft, nftLoad } from '../nftables/helpers.js';
import { edgeRuleset } from '../../fixtures/monitor/edge-ruleset.js';

/** Every notification the live tests received, copied, for the corruption test. */
const seen: Message[] = [];

/** How long a batch's notifications may take to arrive on a loaded machine. */
const ARRIVAL_MS = 10_000;

/** One committed batch as announced: its object events, then the NEWGEN that closes it. */
interface AnnouncedBatch {
  events: Exclude<NftablesEvent, { kind: 'nft-generation' }>[];
  generation: Extract<NftablesEvent, { kind: 'nft-generation' }>;
}

/**
 * What a monitor would read: a raw NETLINK_NETFILTER socket in the namespace
 * joined to NFNLGRP_NFTABLES, closed when the test ends.
 */
class Listener {
  private readonly socket: NetlinkSocket;
  private readonly buf = Buffer.alloc(256 * 1024);
  private readonly pending: Message[] = [];

  constructor(t: Test, netns: string) {
    this.socket = openNetlinkSocket(NETLINK_NETFILTER, { netns });
    t.teardown(() => this.socket.close());
    setIntOption(this.socket.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, NFTABLES_EVENT_GROUP);
  }

  private receive(timeoutMs: number): boolean {
    if (!pollReadable(this.socket.fd, timeoutMs)) return false;
    const n = recv(this.socket.fd, this.buf, MSG_DONTWAIT);
    if (n < 0) return false;
    for (const m of parseMessages(this.buf, n)) {
      const copy = detachMessage(m);
      seen.push(copy);
      this.pending.push(copy);
    }
    return true;
  }

  /** The notifications of the next committed batch: everything up to and including its NEWGEN. */
  batch(): AnnouncedBatch {
    const deadline = Date.now() + ARRIVAL_MS;
    const events: AnnouncedBatch['events'] = [];
    for (;;) {
      const m = this.pending.shift();
      if (!m) {
        const left = deadline - Date.now();
        if (left <= 0 || !this.receive(left)) throw new Error(`no NEWGEN within ${ARRIVAL_MS} ms; got ${events.map(label).join(', ') || 'nothing'}`);
        continue;
      }
      const event = decodeNftablesEvent(m);
      if (!event) throw new Error(`notification of type 0x${m.type.toString(16)} decoded to no event`);
      if (event.kind === 'nft-generation') return { events, generation: event };
      events.push(event);
    }
  }

  /** Whether nothing more was announced: the kernel sends a batch's notifications before it acknowledges the batch. */
  quiet(): boolean {
    return this.pending.length === 0 && !this.receive(0);
  }
}

function hex(b: Buffer): string {
  return b.toString('hex');
}

function elementLabel(e: NotifiedSetElement): string {
  const data = e.data === undefined ? '' : Buffer.isBuffer(e.data) ? ` : ${hex(e.data)}` : ` : ${e.data.code}${e.data.chain ? ` ${e.data.chain}` : ''}`;
  return `${hex(e.key)}${e.intervalEnd ? ' end' : ''}${data}`;
}

/** An event in one line, for comparing whole batches. */
function label(e: NftablesEvent): string {
  switch (e.kind) {
    case 'nft-table': return `${e.action} table ${e.table.family} ${e.table.name}`;
    case 'nft-chain': return `${e.action} chain ${e.chain.table} ${e.chain.name}`;
    case 'nft-rule': return `${e.action} rule ${e.rule.chain} ${e.rule.handle}`;
    case 'nft-set': return `${e.action} set ${e.set.table} ${e.set.name}`;
    case 'nft-element': return `${e.action} element ${e.table} ${e.set} ${e.elements.map(elementLabel).join(', ')}`;
    case 'nft-object': return `${e.action} ${e.object.type} ${e.object.table} ${e.object.name}`;
    case 'nft-generation': return `generation ${e.generation.id}`;
  }
}

function only<K extends NftablesEventKind>(events: readonly NftablesEvent[], kind: K): Extract<NftablesEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<NftablesEvent, { kind: K }> => e.kind === kind);
}

/**
 * Checks who a batch's events name as their origin: every notification of a
 * batch carries the committing socket's port id, and NEWGEN the new
 * generation and the committing process.
 */
function checkOrigin(t: Test, batch: AnnouncedBatch, expected: { portId?: number; generation?: number; pid?: number; processName: string }): void {
  const { generation } = batch;
  t.equal(generation.action, 'new', 'a generation is always new');
  if (expected.generation !== undefined) t.equal(generation.generation.id, expected.generation, 'NEWGEN carries the generation the commit reported');
  if (expected.pid !== undefined) t.equal(generation.generation.pid, expected.pid, 'NFTA_GEN_PROC_PID is the committing process');
  t.equal(generation.generation.processName, expected.processName, 'NFTA_GEN_PROC_NAME is its name');
  const portId = expected.portId ?? generation.portId;
  t.not(portId, 0, 'changes made through a socket name its port id');
  t.ok([...batch.events, generation].every((e) => e.portId === portId), 'every notification of the batch names the committing socket');
  t.ok([...batch.events, generation].every((e) => e.nsid === undefined), 'decoding leaves nsid to the caller');
}

function open(t: Test, netns: string): NftablesConnection {
  const conn = openNftables({ netns });
  t.teardown(() => conn.close());
  return conn;
}

t.test('changes made through nlkit are announced, batch by batch, each closed by NEWGEN', { skip: !isRoot && 'needs root to create namespaces' }, async (t) => {
  const [netns] = testNetns(t, 1, 'nftev');
  const listener = new Listener(t, netns!);
  const conn = open(t, netns!);
  // Synchronous commits run on the main thread, whose pid and comm the kernel reports.
  const by = { portId: conn.socket.portId, pid: process.pid, processName: readFileSync('/proc/self/comm', 'utf8').trim() };
  let generation = conn.generation().id;
  /** The next batch, checked to come from `conn` with the generation its commit returned, one past the last. */
  const next = (committed: number): AnnouncedBatch => {
    const batch = listener.batch();
    t.equal(committed, ++generation, 'every commit bumps the generation by one');
    checkOrigin(t, batch, { ...by, generation: committed });
    return batch;
  };

  let batch = next(conn.addTable({ family: 'inet', name: 'mon', comment: 'watched' }).generation);
  t.same(batch.events.map(label), ['new table inet mon']);
  const [table] = only(batch.events, 'nft-table');
  t.equal(table!.table.comment, 'watched', 'the table as decoded, comment included');
  t.equal(table!.table.handle, conn.listTables({ family: 'inet', table: 'mon' })[0]!.handle, 'its handle is the listed one');
  t.ok(table!.flags & NLM_F_CREATE, 'the flags of the request (NLM_F_CREATE)');

  const again = conn.addTable({ family: 'inet', name: 'mon' });
  t.equal(again.generation, generation, 'adding a table that exists changes nothing: no new generation');
  t.ok(listener.quiet(), 'and no notification at all, not even NEWGEN');

  batch = next(conn.transaction()
    .addChain({ family: 'inet', table: 'mon', name: 'input', type: 'filter', hook: 'input', priority: 0, policy: 'accept' })
    .addChain({ family: 'inet', table: 'mon', name: 'other' })
    .commit().generation);
  t.same(batch.events.map(label), ['new chain mon input', 'new chain mon other'], 'one notification per object, in the order of the batch');
  const chains = only(batch.events, 'nft-chain').map((e) => e.chain);
  t.match(chains[0], { family: 'inet', type: 'filter', hook: 'input', priority: 0, policy: 'accept' }, 'a base chain with its hook');
  t.equal(chains[1]!.hook, undefined, 'a regular chain without');
  t.same(chains.map((c) => c.handle), conn.listChains({ family: 'inet', table: 'mon' }).map((c) => c.handle), 'handles are the listed ones');

  batch = next(conn.addSet({ family: 'inet', table: 'mon', name: 'hosts', type: 'ipv4_addr', elements: ['10.0.0.1', { key: '10.0.0.2', comment: 'two' }] }).generation);
  t.same(batch.events.map(label), ['new set mon hosts', 'new element mon hosts 0a000001', 'new element mon hosts 0a000002'], 'the set, then its elements one per notification');
  const [set] = only(batch.events, 'nft-set');
  t.match(set!.set, { family: 'inet', table: 'mon', name: 'hosts', type: 'ipv4_addr', keyLength: 4 });
  t.equal(set!.set.handle, conn.getSet('inet', 'mon', 'hosts').handle);
  const elements = only(batch.events, 'nft-element');
  t.match(elements[0], { family: 'inet', table: 'mon', set: 'hosts' });
  t.equal(elements[1]!.elements[0]!.comment, 'two', 'an element comment is decoded from its userdata');

  batch = next(conn.addSet({ family: 'inet', table: 'mon', name: 'ports', type: 'inet_service', map: 'verdict', elements: [{ key: 80, data: 'accept' }, { key: 22, data: 'jump other' }] }).generation);
  t.same(batch.events.map(label), ['new set mon ports', 'new element mon ports 0050 : accept', 'new element mon ports 0016 : jump other'], 'verdicts decode without the set');
  t.equal(only(batch.events, 'nft-set')[0]!.set.map, 'verdict');

  batch = next(conn.addSet({ family: 'inet', table: 'mon', name: 'range', type: 'inet_service', flags: ['interval'], elements: ['1000-2000'] }).generation);
  t.same(
    batch.events.map(label),
    ['new set mon range', 'new element mon range 0000 end', 'new element mon range 03e8', 'new element mon range 07d1 end'],
    'an interval arrives as its start and the end element past it (after nft\'s marker at zero)',
  );

  const added = conn.addRule({ family: 'inet', table: 'mon', chain: 'input', rule: rule().tcp.dport(22).accept(), comment: 'ssh' });
  batch = next(conn.generation().id);
  t.same(batch.events.map(label), [`new rule input ${added.handle}`]);
  const [ruleEvent] = only(batch.events, 'nft-rule');
  t.same(ruleEvent!.rule.expressions, added.expressions, 'the rule with its expressions decoded');
  t.equal(ruleEvent!.rule.comment, 'ssh');
  t.equal(ruleEvent!.flags & (NLM_F_CREATE | NLM_F_APPEND), NLM_F_CREATE | NLM_F_APPEND, 'an appended rule');

  const lookup = conn.addRule({ family: 'inet', table: 'mon', chain: 'input', rule: rule().tcp.dport([80, 443]).accept() });
  batch = next(conn.generation().id);
  const anonymous = only(batch.events, 'nft-set')[0]!.set;
  t.ok(anonymous.flags.includes('anonymous'), 'a rule\'s anonymous set is announced as a set');
  t.same(batch.events.map(label), [
    `new set mon ${anonymous.name}`, `new element mon ${anonymous.name} 0050`, `new element mon ${anonymous.name} 01bb`, `new rule input ${lookup.handle}`,
  ], 'before the rule that uses it');

  batch = next(conn.transaction().addObject({ family: 'inet', table: 'mon', name: 'hits', type: 'counter', packets: 3, bytes: 300 }).commit().generation);
  t.same(batch.events.map(label), ['new counter mon hits']);
  t.match(only(batch.events, 'nft-object')[0]!.object, { family: 'inet', table: 'mon', name: 'hits', type: 'counter', packets: 3, bytes: 300 });

  batch = next(conn.addElements({ family: 'inet', table: 'mon', name: 'hosts' }, ['10.0.0.3']).generation);
  t.same(batch.events.map(label), ['new element mon hosts 0a000003']);
  batch = next(conn.deleteElements({ family: 'inet', table: 'mon', name: 'hosts' }, ['10.0.0.3']).generation);
  t.same(batch.events.map(label), ['del element mon hosts 0a000003'], 'a deleted element comes back in full');

  conn.replaceRule({ family: 'inet', table: 'mon', chain: 'input', handle: added.handle, rule: rule().tcp.dport(2222).accept() });
  batch = next(conn.generation().id);
  t.same(batch.events.map(label), [`del rule input ${added.handle}`, `new rule input ${added.handle}`], 'a replacement is the old rule removed, then the new one with the same handle');
  // nf_tables_rule_notify turns NLM_F_REPLACE into NLM_F_APPEND: the shared handle is the only sign of a replacement.
  t.ok(batch.events.every((e) => (e.flags & (NLM_F_REPLACE | NLM_F_APPEND)) === NLM_F_APPEND), 'both flagged NLM_F_APPEND, not NLM_F_REPLACE');
  t.not(only(batch.events, 'nft-rule')[0]!.rule.expressions.length, 0, 'the removed rule comes back in full');

  const middle = conn.addRule({ family: 'inet', table: 'mon', chain: 'input', rule: rule().tcp.dport(25).drop() }, { after: added.handle });
  batch = next(conn.generation().id);
  t.same(batch.events.map(label), [`new rule input ${middle.handle}`]);
  t.equal(only(batch.events, 'nft-rule')[0]!.rule.position, added.handle, 'a rule between others names the rule before it (NFTA_RULE_POSITION)');
  const first = conn.insertRule({ family: 'inet', table: 'mon', chain: 'input', rule: rule().tcp.dport(21).drop() });
  batch = next(conn.generation().id);
  const inserted = only(batch.events, 'nft-rule')[0]!;
  t.equal(inserted.rule.handle, first.handle);
  t.equal(inserted.flags & NLM_F_APPEND, 0, 'an inserted rule comes without NLM_F_APPEND');
  t.equal(inserted.rule.position, undefined, 'and, first in its chain, without a position');
  batch = next(conn.transaction()
    .deleteRule({ family: 'inet', table: 'mon', chain: 'input', handle: middle.handle })
    .deleteRule({ family: 'inet', table: 'mon', chain: 'input', handle: first.handle })
    .commit().generation);
  t.same(batch.events.map(label), [`del rule input ${middle.handle}`, `del rule input ${first.handle}`]);

  batch = next(conn.deleteRule({ family: 'inet', table: 'mon', chain: 'input', handle: lookup.handle }).generation);
  t.same(batch.events.map(label), [`del rule input ${lookup.handle}`, `del set mon ${anonymous.name}`], 'a rule takes its anonymous set with it');

  batch = next(conn.deleteTable({ family: 'inet', name: 'mon' }).generation);
  t.same(batch.events.map(label), [
    `del rule input ${added.handle}`,
    'del set mon hosts', 'del set mon ports', 'del set mon range',
    'del counter mon hits',
    'del chain mon input', 'del chain mon other',
    'del table inet mon',
  ], 'a table takes everything with it, each removal announced (but not the elements of its sets)');
  const removedSet = only(batch.events, 'nft-set')[0]!.set;
  t.match(removedSet, { family: 'inet', table: 'mon', name: 'hosts', handle: set!.set.handle }, 'a removed set is named by family, table, name and handle');
  t.equal(removedSet.keyLength, 0, 'and nothing more: the kernel leaves out its types');
  t.equal(only(batch.events, 'nft-chain')[0]!.chain.hook, undefined, 'a removed base chain comes without its hook');
  t.ok(listener.quiet(), 'nothing else was announced');
});

t.test('changes made by nft are announced with nft as the committer', { skip: !isRoot && 'needs root to create namespaces' }, async (t) => {
  const [netns] = testNetns(t, 1, 'nftev');
  const listener = new Listener(t, netns!);
  const conn = open(t, netns!);
  const byNft = { processName: 'nft' };
  const foreign = (batch: AnnouncedBatch) => t.not(batch.generation.portId, conn.socket.portId, 'not nlkit\'s socket');

  nftLoad(netns!, edgeRuleset());
  let batch = listener.batch();
  checkOrigin(t, batch, byNft);
  foreign(batch);
  t.equal(batch.generation.generation.id, conn.generation().id, 'NEWGEN carries the generation the ruleset is at');
  const [pre] = conn.listRules({ family: 'ip', table: 'edge', chain: 'pre' });
  // nft orders a ruleset's objects by kind: chains, objects, sets with their elements, rules.
  t.same(batch.events.map(label), [
    'new table ip edge',
    'new chain edge other', 'new chain edge pre',
    'new counter edge c', 'new quota edge q',
    'new set edge blocked', 'new element edge blocked 00000000 end', 'new element edge blocked 0a000000', 'new element edge blocked 0b000000 end',
    'new set edge jumps', 'new element edge jumps 01010101 : jump other',
    `new rule pre ${pre!.handle}`,
  ]);
  t.equal(only(batch.events, 'nft-table')[0]!.table.comment, 'from nft');
  t.match(only(batch.events, 'nft-object').map((e) => e.object), [{ type: 'counter', packets: 0 }, { type: 'quota', bytes: 1024 * 1024, over: true }]);
  const ten = only(batch.events, 'nft-element')[1]!.elements[0]!;
  t.match(ten, { timeout: 3_600_000, comment: 'ten', intervalEnd: false }, 'timeout and comment decode without the set');
  t.ok(ten.expires! > 0 && ten.expires! <= 3_600_000, 'and the time left');
  t.equal(only(batch.events, 'nft-rule')[0]!.rule.comment, 'block');

  nft(netns!, 'add', 'element', 'ip', 'edge', 'blocked', '{ 192.168.0.0/16 }');
  batch = listener.batch();
  checkOrigin(t, batch, byNft);
  t.same(batch.events.map(label), ['new element edge blocked c0a80000', 'new element edge blocked c0a90000 end']);

  nft(netns!, 'delete', 'element', 'ip', 'edge', 'blocked', '{ 10.0.0.0/8 }');
  batch = listener.batch();
  checkOrigin(t, batch, byNft);
  t.same(batch.events.map(label), ['del element edge blocked 0a000000', 'del element edge blocked 0b000000 end']);

  nft(netns!, 'add', 'chain', 'ip', 'edge', 'pre', '{ policy drop; }');
  batch = listener.batch();
  t.same(batch.events.map(label), ['new chain edge pre'], 'a changed chain is announced as new again');
  t.equal(only(batch.events, 'nft-chain')[0]!.chain.policy, 'drop');

  nft(netns!, 'delete', 'rule', 'ip', 'edge', 'pre', 'handle', String(pre!.handle));
  batch = listener.batch();
  t.same(batch.events.map(label), [`del rule pre ${pre!.handle}`]);

  nft(netns!, 'delete', 'table', 'ip', 'edge');
  batch = listener.batch();
  checkOrigin(t, batch, byNft);
  t.same(batch.events.map(label), [
    'del set edge blocked', 'del set edge jumps', 'del counter edge c', 'del quota edge q', 'del chain edge other', 'del chain edge pre', 'del table ip edge',
  ]);
  t.ok(listener.quiet(), 'nothing else was announced');
});

/** The notifications captured by fixtures/monitor/capture.ts, one batch per change. */
const fixture: { kernel: string; batches: { change: string; messages: string[] }[] } = JSON.parse(
  readFileSync(new URL('../../fixtures/monitor/nftables-notifications.json', import.meta.url), 'utf8'),
);

function messageOf(hexText: string): Message {
  const buf = Buffer.from(hexText, 'hex');
  const messages = parseMessages(buf, buf.length);
  if (messages.length !== 1) throw new Error(`fixture entry holds ${messages.length} messages`);
  return messages[0]!;
}

t.test('captured notifications decode: every batch is objects, then NEWGEN', async (t) => {
  t.ok(fixture.batches.length > 0);
  for (const { change, messages } of fixture.batches) {
    const events = messages.map((h) => decodeNftablesEvent(messageOf(h)));
    t.ok(events.every((e) => e !== undefined), `${change}: every notification is an event`);
    t.equal(events.at(-1)?.kind, 'nft-generation', `${change}: NEWGEN closes the batch`);
    t.equal(events.filter((e) => e?.kind === 'nft-generation').length, 1, `${change}: and only it`);
    for (const m of messages.map(messageOf)) seen.push(m);
  }
  const all = fixture.batches.flatMap((b) => b.messages.map((h) => decodeNftablesEvent(messageOf(h))!));
  const kinds = new Set(all.map((e) => `${e.action} ${e.kind}`));
  for (const kind of ['nft-table', 'nft-chain', 'nft-rule', 'nft-set', 'nft-element', 'nft-object']) {
    t.ok(kinds.has(`new ${kind}`) && kinds.has(`del ${kind}`), `the fixture has ${kind} additions and removals`);
  }
  t.ok(only(all, 'nft-generation').every((e) => typeof e.generation.pid === 'number' && e.generation.processName), 'every NEWGEN names its committer');
});

/** A message of `type` with nfgenmsg and the attributes `body` writes. */
function crafted(type: number, body: (w: MessageWriter) => void = () => {}): Message {
  const w = new MessageWriter(256);
  const start = w.beginMessage(type, 0, 0, 0);
  writeNfgenmsg(w, 0);
  body(w);
  w.endMessage(start);
  return messageOf(hex(Buffer.from(w.bytes())));
}

t.test('messages that are not object notifications decode to no event', async (t) => {
  t.equal(decodeNftablesEvent(crafted(nftMessageType(NFT_MSG_NEWFLOWTABLE))), undefined, 'flowtables are not reported');
  t.equal(decodeNftablesEvent(crafted(nftMessageType(NFT_MSG_TRACE))), undefined, 'nor traces');
  // NFT_MSG_DESTROYTABLE (26) is newer than the headers nlkit is generated from; the kernel announces a destroy as DEL anyway.
  t.equal(decodeNftablesEvent(crafted(nftMessageType(26))), undefined, 'nor message types newer than nlkit');
  t.equal(decodeNftablesEvent(crafted((NFNL_SUBSYS_CTNETLINK << 8) | NFT_MSG_NEWTABLE)), undefined, 'nor other nfnetlink subsystems');
  t.equal(decodeNftablesEvent(crafted(NLMSG_ERROR)), undefined, 'nor netlink control messages');
});

t.test('a NEWGEN without the committer decodes to the generation alone', async (t) => {
  const event = decodeNftablesEvent(crafted(nftMessageType(NFT_MSG_NEWGEN), (w) => w.be32(NFTA_GEN_ID, 77)));
  t.same(event, { kind: 'nft-generation', action: 'new', flags: 0, portId: 0, generation: { id: 77 } });
});

/** Decodes, and passes the error on unless it is MalformedMessageError. */
function decodesOrMalformed(m: Message): 'decoded' | 'malformed' {
  try {
    decodeNftablesEvent(m);
    return 'decoded';
  } catch (error) {
    if (error instanceof MalformedMessageError) return 'malformed';
    throw error;
  }
}

function withBytes(original: Message, bytes: Buffer, end = bytes.length): Message {
  return { ...original, buf: bytes, offset: NLMSG_HDRLEN, end };
}

t.test('truncated and corrupted notifications decode or raise MalformedMessageError, nothing else', async (t) => {
  t.ok(seen.length > 0, `${seen.length} notifications to damage`);
  const outcomes = { decoded: 0, malformed: 0 };
  for (const m of seen) {
    const whole = Buffer.from(m.buf.subarray(m.offset - NLMSG_HDRLEN, m.end));
    for (let cut = NLMSG_HDRLEN; cut < whole.length; cut++) {
      // Cut short, as a message whose length says so...
      outcomes[decodesOrMalformed(withBytes(m, Buffer.from(whole.subarray(0, cut))))]++;
      // ...and as a message claiming more than its buffer holds.
      outcomes[decodesOrMalformed(withBytes(m, Buffer.from(whole.subarray(0, cut)), whole.length))]++;
    }
    for (let at = NLMSG_HDRLEN; at < whole.length; at++) {
      for (const value of [0x00, 0x01, 0x7f, 0xff]) {
        const damaged = Buffer.from(whole);
        damaged[at] = value;
        outcomes[decodesOrMalformed(withBytes(m, damaged))]++;
      }
    }
  }
  t.ok(outcomes.malformed > 0, `${outcomes.malformed} refused as malformed`);
  t.ok(outcomes.decoded > 0, `${outcomes.decoded} still decoded`);
});
