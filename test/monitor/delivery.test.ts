// How a monitor hands events over: decoded in place from the receive buffer
// (every object must stay intact after the buffer is reused), delivered in
// batches to listeners and iterators in the kernel's order, a throwing
// listener reported and skipped without losing an event, off() and close()
// from inside a listener honoured at once; the in-place framing refuses
// malformed datagrams.
import t, { type Test } from 'tap';
import type { MonitorEvent, RouteObjectEvent } from '../../src/monitor/index.js';
import { openMonitor, type Monitor, type MonitorGroup } from '../../src/monitor/index.js';
import { Subscription, type NotificationSink } from '../../src/monitor/subscription.js';
import { NETLINK_ROUTE } from '../../src/generated/netlink.js';
import { RTNLGRP_LINK } from '../../src/generated/rtnetlink.js';
import type { Message } from '../../src/netlink/message.js';
import { openRoute } from '../../src/route/index.js';
import type { RouteConnection } from '../../src/route/connection.js';
import { ipJson, isRoot, testNetns } from '../helpers/netns.js';

const root = { skip: !isRoot && 'needs root to create namespaces' };
const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Objects as JSON (bigints as text), to compare a delivered event with itself later. */
const snapshot = (value: unknown): string => JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/**
 * A namespace, a connection to it and a monitor of `groups` there (with
 * `veth`, made after an up veth v0/v1 is), all removed when the test ends.
 */
function watched(t: Test, groups: MonitorGroup[] = ['link'], veth = false): { ns: string; rt: RouteConnection; monitor: Monitor } {
  const [ns] = testNetns(t, 1, 'mondeliv');
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  if (veth) {
    rt.link.add({ name: 'v0', type: 'veth', peer: { name: 'v1' } });
    rt.link.set('v0', { up: true });
  }
  const monitor = openMonitor({ netns: ns!, groups });
  t.teardown(() => monitor.close());
  return { ns: ns!, rt, monitor };
}

/** Waits until `count()` reaches `n` or fails after `ms`. */
async function until(what: string, count: () => number, n: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (count() < n) {
    if (Date.now() > deadline) throw new Error(`${what}: ${count()} of ${n} after ${ms} ms`);
    await settle(5);
  }
}

t.test('objects decoded in place stay intact after the receive buffer is reused, and match ip', root, async (t) => {
  const { ns, rt, monitor } = watched(t, ['link', 'address', 'route'], true);
  const delivered: { event: RouteObjectEvent; text: string }[] = [];
  monitor.on('event', (event) => {
    if (event.kind === 'link' || event.kind === 'address' || event.kind === 'route') delivered.push({ event, text: snapshot(event) });
  });
  // Hundreds of notifications: many recvmmsg batches through the same slots.
  const addresses = Array.from({ length: 300 }, (_, i) => ({ dev: 'v0', address: `10.91.${i >> 8}.${i & 255}/32` }));
  const routes = Array.from({ length: 300 }, (_, i) => ({ dev: 'v0', dst: `fd91::${(i + 1).toString(16)}/128` }));
  rt.addr.addMany(addresses);
  rt.route.addMany(routes);
  rt.link.add({ name: 'v2', type: 'veth', peer: { name: 'v3' } });
  const expected = 300 + 300 + 300 + 2; // addresses, their local routes, the IPv6 routes, the new pair
  await until('events', () => delivered.length, expected);
  await settle(50);
  const changed = delivered.filter(({ event, text }) => snapshot(event) !== text);
  t.equal(changed.length, 0, `no delivered object changed afterwards (${delivered.length} checked)`);
  // Lazily decoded link fields are read from the link's own bytes, not the receive buffer.
  const link = delivered.find(({ event }) => event.kind === 'link' && event.link.name === 'v2')!.event as Extract<RouteObjectEvent, { kind: 'link' }>;
  t.ok(Array.isArray(link.link.unknown), 'a link\'s lazy fields still decode');
  const shown = ipJson<{ ifname: string; ifindex: number; mtu: number; address: string }[]>(ns, 'link', 'show', 'v2')[0]!;
  t.match(link.link, { name: shown.ifname, index: shown.ifindex, mtu: shown.mtu, address: shown.address }, 'the link event matches ip -j link show');
  const v6 = new Set(ipJson<{ dst: string }[]>(ns, '-6', 'route', 'show', 'dev', 'v0').map((r) => r.dst.replace(/\/128$/, '')));
  const announced = delivered.filter(({ event }) => event.kind === 'route' && event.route.family === 6 && event.route.dstLength === 128 && event.route.dst!.startsWith('fd91::'));
  t.equal(announced.length, 300, 'every IPv6 route announced once');
  t.ok(announced.every(({ event }) => v6.has((event as Extract<RouteObjectEvent, { kind: 'route' }>).route.dst!)), 'each as ip -j route show prints its dst');
  const fours = delivered.filter(({ event }) => event.kind === 'address').map(({ event }) => (event as Extract<RouteObjectEvent, { kind: 'address' }>).address.address);
  t.same(fours, addresses.map((a) => a.address.replace(/\/32$/, '')), 'addresses arrive in the order they were added');
});

t.test('a throwing listener is reported and skipped; every other listener and iterator gets every event, in order', root, async (t) => {
  const { rt, monitor } = watched(t);
  const errors: Error[] = [];
  monitor.on('error', (error) => errors.push(error));
  const before: string[] = [];
  const after: string[] = [];
  let thrown = 0;
  const name = (event: MonitorEvent): string => (event.kind === 'link' ? `${event.action} ${event.link.name}` : event.kind);
  monitor.on('event', (event) => before.push(name(event)));
  monitor.on('event', (event) => {
    if (event.kind === 'link' && event.action === 'new' && event.link.name.startsWith('x')) {
      thrown++;
      throw new Error(`listener failed on ${event.link.name}`);
    }
  });
  monitor.on('event', (event) => after.push(name(event)));
  const iterated: string[] = [];
  const loop = (async () => {
    for await (const event of monitor) {
      iterated.push(name(event));
      if (iterated.length === 20) break;
    }
  })();
  await settle(20);
  // Ten pairs at once: their notifications come in one batch.
  for (let i = 0; i < 10; i++) rt.link.add({ name: `x${i}`, type: 'veth', peer: { name: `y${i}` } });
  await until('iterated', () => iterated.length, 20);
  await loop;
  await settle(100);
  const thrownOn = before.filter((n) => n.startsWith('new x')).length;
  t.ok(thrownOn >= 10, `the x links were announced (${thrownOn})`);
  t.equal(thrown, thrownOn, 'the throwing listener threw on every new x link');
  t.equal(errors.length, thrown, 'each exception reached the error listener');
  t.match(errors[0], { message: /listener failed on x/ });
  t.same(after, before, 'the listener after the throwing one missed nothing');
  t.same(iterated, before.slice(0, 20), 'the iterator got the same events in the same order');
});

t.test('off() and close() inside a listener take effect at once, mid-batch', root, async (t) => {
  const { rt, monitor } = watched(t);
  let offSeen = 0;
  const off = monitor.on('event', () => {
    offSeen++;
    off();
  });
  let closeSeen = 0;
  let keptSeen = 0;
  monitor.on('event', () => {
    keptSeen++;
    if (keptSeen === 3) monitor.close();
  });
  monitor.on('event', () => closeSeen++);
  for (let i = 0; i < 5; i++) rt.link.add({ name: `z${i}`, type: 'veth', peer: { name: `w${i}` } });
  await until('events', () => keptSeen, 3);
  await settle(100);
  t.equal(offSeen, 1, 'a listener that removed itself got one event');
  t.equal(keptSeen, 3, 'nothing was delivered after close()');
  t.equal(closeSeen, 3, 'the event being delivered still reached the listeners after the one that closed it, no later one did');
  t.notOk(monitor.isOpen);
});

t.test('a throwing listener without an error listener becomes a process warning, not a crash', root, async (t) => {
  const { rt, monitor } = watched(t);
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => {
    if ((warning as Error & { code?: string }).code === 'NLKIT_MONITOR') warnings.push(warning);
  };
  process.on('warning', onWarning);
  t.teardown(() => process.off('warning', onWarning));
  let seen = 0;
  monitor.on('event', () => {
    seen++;
    throw new Error('boom');
  });
  rt.link.add({ name: 'q0', type: 'veth', peer: { name: 'q1' } });
  await until('events', () => seen, 2);
  await until('warnings', () => warnings.length, 2);
  t.match(warnings[0], { message: /nlkit monitor: boom/ });
  t.ok(monitor.isOpen, 'the monitor goes on');
});

t.test('the in-place framing hands over every message of a datagram and refuses a malformed one', (t) => {
  const subscription = new Subscription({ protocol: NETLINK_ROUTE, groups: [RTNLGRP_LINK], receiveBufferSize: 1 << 16, listenAllNsid: false, inPlace: true });
  t.teardown(() => subscription.close());
  const seen: { type: number; pid: number; offset: number; end: number }[] = [];
  const malformed: string[] = [];
  const sink: NotificationSink = {
    notification: (message: Message) => seen.push({ type: message.type, pid: message.pid, offset: message.offset, end: message.end }),
    overrun: () => t.fail('no overrun'),
    malformed: (error) => malformed.push(error.message),
  };
  // Two messages in one datagram (the second one's padding left out), after 8 unrelated bytes.
  const buf = Buffer.alloc(8 + 20 + 18);
  buf.writeUInt32LE(20, 8);
  buf.writeUInt16LE(16, 12);
  buf.writeUInt32LE(7, 8 + 12);
  buf.writeUInt32LE(18, 28);
  buf.writeUInt16LE(17, 32);
  const hand = (start: number, length: number): void => (subscription as unknown as { hand(b: Buffer, s: number, l: number, n: undefined, k: NotificationSink): void }).hand(buf, start, length, undefined, sink);
  hand(8, 38);
  t.same(seen, [{ type: 16, pid: 7, offset: 24, end: 28 }, { type: 17, pid: 0, offset: 44, end: 46 }], 'both messages, with their offsets in the buffer');
  hand(8, 36);
  t.equal(seen.length, 3, 'the first message of a cut datagram is handed over');
  t.match(malformed, [/offset 20 claims 18 bytes, the datagram has 16 left/], 'the cut one is refused');
  hand(8, 10);
  t.match(malformed[1], /10 bytes at offset 0 of a notification, too few for a 16-byte nlmsghdr/, 'so is a datagram shorter than a header');
  t.end();
});

t.test('a slow iterator gets every event of a long burst once, in order', root, async (t) => {
  const { rt, monitor } = watched(t, ['ipv4-address'], true);
  const listened: string[] = [];
  monitor.on('event', (event) => {
    if (event.kind === 'address') listened.push(event.address.address);
  });
  const iterated: string[] = [];
  const loop = (async () => {
    for await (const event of monitor) {
      if (event.kind === 'address') iterated.push(event.address.address);
      if (iterated.length === 3000) break;
      // Behind by design: batches keep arriving while the queue is not empty.
      if (iterated.length % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  await settle(20);
  const addresses = Array.from({ length: 1500 }, (_, i) => ({ dev: 'v0', address: `10.92.${i >> 8}.${i & 255}/32` }));
  rt.addr.addMany(addresses);
  rt.addr.deleteMany(addresses);
  await until('iterated', () => iterated.length, 3000, 20_000);
  await loop;
  const expected = [...addresses, ...addresses].map((a) => a.address.replace(/\/32$/, ''));
  t.same(listened, expected, 'the listener got the adds, then the deletions');
  t.same(iterated, expected, 'so did the iterator that lagged behind');
});
