// Nexthop events (RTNLGRP_NEXTHOP): what a monitor delivers for nexthops and
// groups created, replaced and deleted in a namespace, checked against what
// `ip -j nexthop show` listed; the removals the kernel does not announce (a
// device going down takes its nexthops, a nexthop its routes) inferred by a
// monitor with a view; a malformed RTM_NEWNEXTHOP reported as a typed error.
import { execFileSync } from 'node:child_process';
import t, { type Test } from 'tap';
import { RTM_NEWNEXTHOP, RTNLGRP_NEXTHOP } from '../../src/generated/rtnetlink.js';
import { NHA_GATEWAY, NHA_GROUP, NHA_ID } from '../../src/generated/nexthop.js';
import { openMonitor, type Monitor, type MonitorEvent, type MonitorGroup, type NexthopEvent } from '../../src/monitor/index.js';
import { MalformedMessageError } from '../../src/netlink/message.js';
import { openRoute, type RouteConnection } from '../../src/route/connection.js';
import { nexthopToIpJson } from '../../src/route/nexthops/index.js';
import { ipJson, requireRoot, testNetns } from '../helpers/netns.js';

type Json = Record<string, unknown>;

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, done: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not after ${ms} ms`);
    await settle(5);
  }
}

function watched(t: Test, groups: MonitorGroup[], list = false): { ns: string; rt: RouteConnection; monitor: Monitor; events: MonitorEvent[]; errors: Error[] } {
  const [ns] = testNetns(t, 1, 'r2nhev') as [string];
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  rt.link.set('lo', { up: true });
  rt.link.add({ name: 'v0', type: 'veth', peer: { name: 'v1' }, up: true });
  rt.link.set('v1', { up: true });
  rt.addr.add({ dev: 'v0', address: '10.0.0.1/24' });
  rt.addr.add({ dev: 'v0', address: 'fd00::1/64', flags: { nodad: true } });
  const monitor = openMonitor({ netns: ns, groups, list });
  t.teardown(() => monitor.close());
  const events: MonitorEvent[] = [];
  const errors: Error[] = [];
  monitor.on('event', (e) => events.push(e));
  monitor.on('error', (e) => errors.push(e));
  return { ns, rt, monitor, events, errors };
}

const nexthopEvents = (events: readonly MonitorEvent[]): NexthopEvent[] => events.filter((e): e is NexthopEvent => e.kind === 'nexthop');

t.test('events for nexthops and groups are what ip -j nexthop show lists', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, rt, events, errors } = watched(t, ['nexthop']);
  // Every version of every nexthop ip listed, by id, key order included.
  const listed = new Map<number, string[]>();
  const remember = () => {
    for (const n of ipJson<Json[]>(ns, 'nexthop', 'show')) listed.set(n.id as number, [...(listed.get(n.id as number) ?? []), JSON.stringify(n)]);
  };
  const changes: [string, () => unknown][] = [
    ['add id 1', () => rt.nexthop.add({ id: 1, via: '10.0.0.2', dev: 'v0' })],
    ['add without id', () => rt.nexthop.add({ via: '10.0.0.3', dev: 'v0', protocol: 'static' })],
    ['add blackhole', () => rt.nexthop.add({ id: 3, blackhole: true })],
    ['add IPv6', () => rt.nexthop.add({ id: 4, via: 'fd00::2', dev: 'v0' })],
    ['add group', () => rt.nexthop.add({ id: 10, group: [1, { id: 2, weight: 3 }] })],
    ['add resilient group', () => rt.nexthop.add({ id: 11, group: [1, 2], type: 'resilient', buckets: 8, idleTimer: 60 })],
    ['add fdb', () => rt.nexthop.add({ id: 20, via: '172.16.1.2', fdb: true })],
    ['replace member', () => rt.nexthop.replace({ id: 1, via: '10.0.0.9', dev: 'v0', onlink: true })],
    ['replace group', () => rt.nexthop.replace({ id: 10, group: [{ id: 1, weight: 2 }, 2] })],
    ['delete group', () => rt.nexthop.delete({ id: 10 })],
    ['delete member of the resilient group', () => rt.nexthop.delete({ id: 2 })],
    ['delete the rest', () => [11, 1, 3, 4, 20].forEach((id) => rt.nexthop.delete({ id }))],
  ];
  for (const [, change] of changes) {
    change();
    remember();
  }
  // A replaced member is announced itself; the groups using it are not. Deleting a
  // member announces its removal, then the group it left, smaller.
  const expected = ['new 1', 'new 2', 'new 3', 'new 4', 'new 10', 'new 11', 'new 20', 'new 1', 'new 10', 'del 10', 'del 2', 'new 11', 'del 11', 'del 1', 'del 3', 'del 4', 'del 20'];
  await until('every notification', () => nexthopEvents(events).length >= expected.length);
  await settle(100);
  const got = nexthopEvents(events);
  t.strictSame(got.map((e) => `${e.action} ${e.nexthop.id}`), expected, 'one event per notification, in order');
  t.strictSame(errors, []);
  const names = new Map(rt.link.list().map((l) => [l.index, l.name]));
  for (const e of got) {
    const json = JSON.stringify(nexthopToIpJson(e.nexthop, names));
    t.ok(listed.get(e.nexthop.id)?.includes(json), `${e.action} ${e.nexthop.id}: ${json} is what ip listed`);
  }
  const byAdd = got.find((e) => e.nexthop.gateway === '10.0.0.3')!;
  t.equal(byAdd.nexthop.id, 2, 'the kernel-chosen id is in the event');
  t.equal(byAdd.nexthop.protocol, 4, 'and the protocol');
  t.ok(got.every((e) => e.portId > 0 || e.action === 'del' || e.nexthop.id === 11), 'changes this process made carry its port id');
  t.equal(got.find((e) => e.nexthop.id === 11)!.nexthop.resilient?.buckets, 8, 'a resilient group decodes its buckets');
});

t.test('a view follows nexthops, and infers the removals the kernel does not announce', async (t) => {
  if (!requireRoot(t)) return;
  const { rt, monitor, events, errors } = watched(t, ['link', 'route', 'nexthop'], true);
  rt.nexthop.add({ id: 1, via: '10.0.0.2', dev: 'v0' });
  await monitor.settled();
  await until('the initial listing', () => events.some((e) => e.kind === 'synced'));
  rt.nexthop.add({ id: 2, via: '10.0.0.3', dev: 'v0' });
  rt.nexthop.add({ id: 3, blackhole: true });
  rt.nexthop.add({ id: 10, group: [1, 2] });
  rt.route.add({ dst: '10.5.0.0/16', nhid: 3 });
  await until('the adds', () => monitor.view!.nexthops.size === 4 && monitor.view!.routes.size > 0 && [...monitor.view!.routes.values()].some((r) => r.nhid === 3));
  t.ok(nexthopEvents(events).some((e) => e.initial && e.nexthop.id === 1), 'the listing delivers the existing nexthop');

  // The kernel drops IPv4 routes with their nexthop object without a word.
  rt.nexthop.delete({ id: 3 });
  await until('the route inferred gone', () => ![...monitor.view!.routes.values()].some((r) => r.nhid === 3));
  t.ok(events.some((e) => e.kind === 'route' && e.action === 'del' && e.route.nhid === 3), 'a route removal for it');

  // A device going down takes its nexthops (and their places in groups) without a notification,
  // and the routes through them.
  rt.route.add({ dst: '10.6.0.0/16', nhid: 10 });
  await until('the route through the group', () => [...monitor.view!.routes.values()].some((r) => r.nhid === 10));
  const before = nexthopEvents(events).length;
  rt.link.set('v0', { up: false });
  await until('the nexthops inferred gone', () => monitor.view!.nexthops.size === 0);
  await monitor.settled();
  const inferred = nexthopEvents(events).slice(before);
  t.strictSame(inferred.map((e) => `${e.action} ${e.nexthop.id}`).sort(), ['del 1', 'del 10', 'del 2'], 'the nexthops and the emptied group');
  t.ok(inferred.every((e) => e.inferred === true), 'marked inferred');
  t.strictSame([...monitor.view!.nexthops.keys()], rt.nexthop.list().map((n) => String(n.id)), 'the view holds what the kernel holds');
  await until('the route through the group inferred gone', () => ![...monitor.view!.routes.values()].some((r) => r.nhid === 10));
  t.ok(events.some((e) => e.kind === 'route' && e.action === 'del' && e.route.nhid === 10 && e.inferred), 'its route, inferred gone');
  t.notOk(rt.route.list({ family: 4 }).some((r) => r.nhid === 10), 'as the kernel has it');
  t.strictSame(errors, []);
});

/** Sends `datagram` to every RTNLGRP_NEXTHOP listener of `ns`, as the kernel would announce a nexthop (needs CAP_NET_ADMIN). */
function announce(ns: string, datagram: Buffer): void {
  // Node has no netlink sockets of its own and nlkit sends only to the kernel; python's socket module can multicast.
  const script = 'import socket,sys\ns=socket.socket(socket.AF_NETLINK,socket.SOCK_RAW,0)\ns.sendto(bytes.fromhex(sys.argv[1]),(0,1<<31))';
  execFileSync('ip', ['netns', 'exec', ns, 'python3', '-c', script, datagram.toString('hex')]);
}

/** An RTM_NEWNEXTHOP: an IPv4 nhmsg and the given attributes (type, payload). */
function newNexthop(attributes: [number, Buffer][]): Buffer {
  const body = Buffer.concat(attributes.map(([type, payload]) => {
    const a = Buffer.alloc(4 + Math.ceil(payload.length / 4) * 4);
    a.writeUInt16LE(4 + payload.length, 0);
    a.writeUInt16LE(type, 2);
    payload.copy(a, 4);
    return a;
  }));
  const m = Buffer.alloc(16 + 8 + body.length);
  m.writeUInt32LE(m.length, 0);
  m.writeUInt16LE(RTM_NEWNEXTHOP, 4);
  m[16] = 2; // AF_INET
  body.copy(m, 24);
  return m;
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};

t.test('a malformed RTM_NEWNEXTHOP is a typed error, and the monitor goes on', async (t) => {
  if (!requireRoot(t)) return;
  const { ns, rt, events, errors } = watched(t, ['nexthop']);
  t.equal(RTNLGRP_NEXTHOP, 32, 'the group announce() sends to (nl_groups bit 31)');
  announce(ns, newNexthop([[NHA_ID, u32(7)], [NHA_GATEWAY, Buffer.from([10, 0, 0])]]));
  announce(ns, newNexthop([[NHA_ID, u32(8)], [NHA_GROUP, Buffer.alloc(5)]]));
  announce(ns, newNexthop([[NHA_ID, u32(9)], [NHA_GATEWAY, Buffer.from([10, 0, 0, 9])]]));
  rt.nexthop.add({ id: 1, blackhole: true });
  await until('the real nexthop after the crafted ones', () => nexthopEvents(events).some((e) => e.nexthop.id === 1));
  t.equal(errors.length, 2, 'two errors');
  t.ok(errors.every((e) => e instanceof MalformedMessageError), 'both MalformedMessageError');
  t.match(errors[0]!.message, /NHA_GATEWAY has 3 bytes/);
  t.match(errors[1]!.message, /NHA_GROUP has 5 bytes/);
  t.strictSame(nexthopEvents(events).map((e) => e.nexthop.id), [9, 1], 'the well-formed crafted one and the real one are delivered');
  t.equal(nexthopEvents(events)[0]!.nexthop.gateway, '10.0.0.9');
});
