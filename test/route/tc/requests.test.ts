// nlkit's requests against what tc (iproute2 6.1) sends for the same command,
// attribute for attribute (fixtures/route/tc/requests.json, captured with
// strace by fixtures/route/tc/capture.ts), and both decoded back to the same object.
import t from 'tap';
import { TC_CASES } from '../../../fixtures/route/tc/cases.js';
import {
  RTM_DELQDISC, RTM_DELTCLASS, RTM_DELTFILTER, RTM_NEWQDISC, RTM_NEWTCLASS, RTM_NEWTFILTER,
} from '../../../src/generated/rtnetlink.js';
import { NETLINK_ROUTE } from '../../../src/generated/netlink.js';
import { describeMessageStrict } from '../../../src/netlink/debug.js';
import { NLM_F_CREATE, NLM_F_EXCL } from '../../../src/netlink/message.js';
import { PschedClock } from '../../../src/route/tc/clock.js';
import '../../../src/route/tc/describe.js';
import { decodeTc, encodeTc } from '../../../src/route/tc/message.js';
import { prepareClass, prepareFilter, prepareQdisc } from '../../../src/route/tc/spec.js';
import { messageOf, readFixture, requestHex } from '../codec-helpers.js';
import { attributeTree } from './helpers.js';

interface Fixture { psched: string; links: Record<string, number>; requests: { name: string; tc: string; hex: string }[] }
const fixture = readFixture<Fixture>('route/tc/requests.json');
// tc 6.1 made the captures: it truncated transmit times, as iproute2 did before 6.15.
const clock = new PschedClock(fixture.psched, 'iproute2-before-6.15');
const TYPES = {
  qdisc: { add: RTM_NEWQDISC, delete: RTM_DELQDISC, prepare: prepareQdisc },
  class: { add: RTM_NEWTCLASS, delete: RTM_DELTCLASS, prepare: prepareClass },
  filter: { add: RTM_NEWTFILTER, delete: RTM_DELTFILTER, prepare: prepareFilter },
} as const;

function linkIndex(ref: string | number): number {
  if (typeof ref === 'number') return ref;
  const index = fixture.links[ref];
  if (index === undefined) throw new Error(`no link ${ref} in the fixture`);
  return index;
}

t.equal(fixture.requests.length, TC_CASES.length, 'a capture for every case');

for (const c of TC_CASES) {
  t.test(`${c.name}: ${c.kernel ? '' : '(not in this kernel) '}tc ${c.tc.join(' ')}`, (t) => {
    const captured = fixture.requests.find((r) => r.name === c.name);
    if (!captured) return t.fail(`no capture of ${c.name}; run fixtures/route/tc/capture.ts`), t.end();
    t.equal(captured.tc, c.tc.join(' '), 'the capture is of this command');
    const types = TYPES[c.object];
    const prepared = (types.prepare as (s: unknown, p: 'create' | 'delete') => ReturnType<typeof prepareQdisc>)(c.spec, c.verb === 'add' ? 'create' : 'delete');
    const type = c.verb === 'add' ? types.add : types.delete;
    const flags = c.verb === 'add' ? NLM_F_CREATE | NLM_F_EXCL : 0;
    const ours = requestHex(type, flags, (w) => encodeTc(w, { ...prepared.message, ifindex: linkIndex(prepared.dev) }, { linkIndex, clock }));
    const theirs = messageOf(captured.hex);
    const mine = messageOf(ours);
    t.equal(mine.type, theirs.type, 'message type');
    t.equal(mine.flags, theirs.flags, 'flags');
    // Attribute for attribute first, so a difference names its attribute; then every byte.
    t.same(attributeTree(mine), attributeTree(theirs), 'the same attributes');
    t.equal(ours.slice(32), captured.hex.slice(32), 'the same bytes after nlmsg_seq and nlmsg_pid');
    t.same(decodeTc(mine), decodeTc(theirs), 'both decode to the same object');
    t.end();
  });
}

// What the captures of kinds this kernel lacks decode to: the values tc was given.
const DECODED: Record<string, unknown> = {
  fq_codel: { kind: 'fq_codel', options: { limit: 1024, flows: 2048, quantum: 1514, interval: 100000, target: 5000, ecn: 1, ceThreshold: 1000, memoryLimit: 33554432, dropBatch: 32 } },
  fq: { kind: 'fq', options: { buckets: 1024, limit: 10000, flowLimit: 100, maxrate: 12500000, lowRateThreshold: 68750, defrate: 1250000, refillDelay: 40000, orphanMask: 1023, ceThreshold: 2000, horizon: 10000000, pacing: 0 } },
  prio: { kind: 'prio', handle: 0x10000, options: { bands: 4, priomap: [1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0] } },
  'prio-multiqueue': { options: { bands: 3, multiqueue: true } },
  // 100 ms in 64 ns ticks; 1% of 2^32-1, rounded.
  netem: { kind: 'netem', options: { latency: 1562500, jitter: 156250, limit: 500, loss: 42949673, duplicate: 21474836, rate: 125000 } },
  sfq: { kind: 'sfq', options: { quantum: 1514, perturb: 10, limit: 127, divisor: 1024, flows: 127, depth: 64, headdrop: true } },
  matchall: { kind: 'matchall', pref: 2, options: { classid: 0x10001, flags: 2, actions: [{ kind: 'mirred', options: { eaction: 1, ifindex: 4 } }] } },
  'flower-ipv4': {
    kind: 'flower', protocol: 0x0800,
    options: { classid: 0x10001, indev: 'v1', ethType: 0x0800, ipProto: 6, dstIp: '10.0.0.0/8', srcIp: '192.0.2.1/32', dstPort: 80, srcPort: 1024, flags: 1, actions: [{ kind: 'gact', options: { action: 2 } }] },
  },
  'flower-ipv6': { options: { ethType: 0x86dd, ipProto: 17, dstIp: '2001:db8::/32', dstPort: 53, flags: 0 } },
  'flower-vlan': { protocol: 0x8100, options: { vlanId: 100, vlanPrio: 3, ethType: 0x8100 } },
  'u32-police': { options: { actions: [{ kind: 'police', options: { rate: 125000, action: 2, result: 3, burst: 1280000 } }] } },
  'u32-gact-drop': { options: { actions: [{ kind: 'gact', options: { action: 2 } }] } },
};

t.test('captures of kinds the kernel here lacks decode to what tc was told', (t) => {
  for (const [name, expected] of Object.entries(DECODED)) {
    const captured = fixture.requests.find((r) => r.name === name)!;
    t.match(decodeTc(messageOf(captured.hex)), expected, name);
  }
  t.end();
});

t.test('DEBUG=nlkit:* lines of tc messages', (t) => {
  const line = (name: string) => describeMessageStrict(NETLINK_ROUTE, messageOf(fixture.requests.find((r) => r.name === name)!.hex));
  t.match(line('tbf'), /^RTM_NEWQDISC tbf index=3 handle 1: parent root /);
  t.match(line('htb-class'), /^RTM_NEWTCLASS htb index=3 handle 1:10 parent 1: /);
  t.match(line('u32-mirror-ingress'), /^RTM_NEWTFILTER u32 index=2 handle none parent ffff:fff2 pref 5 protocol ip chain 0 /);
  t.match(line('delete-filter'), /^RTM_DELTFILTER - index=3 handle none parent ffff: pref 1 /);
  t.end();
});
