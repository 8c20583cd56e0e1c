// The monitor against the real kernel: every rtnetlink kind arrives decoded,
// whether nlkit or ip made the change; list-and-watch has no gap and no
// duplicate; an induced overrun resynchronises to a fresh dump; deletions the
// kernel does not announce are inferred; many namespaces, and thousands of
// open/close cycles, leak nothing.
import { execFileSync } from 'node:child_process';
import t, { type Test } from 'tap';
import type { MonitorEvent, RouteObjectEvent } from '../../src/monitor/index.js';
import { InvalidArgumentError } from '../../src/netlink/index.js';
import { createNetns, deleteNetns } from '../../src/netns/index.js';
import { openMonitor, objectKey, type Monitor } from '../../src/monitor/index.js';
import { openRoute } from '../../src/route/index.js';
import { openNlkitFds } from '../helpers/fds.js';
import { ip, requireRoot, testNetns, uniqueNetnsName } from '../helpers/netns.js';

t.setTimeout(10 * 60_000);

/** Collects a monitor's events until `done` says so, or fails after `timeoutMs`. */
function collect(monitor: Monitor, done: (events: MonitorEvent[]) => boolean, timeoutMs = 10_000): Promise<MonitorEvent[]> {
  const events: MonitorEvent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms with ${events.length} events: ${events.map(describe).join(', ')}`));
    }, timeoutMs);
    const off = monitor.on('event', (event) => {
      events.push(event);
      if (done(events)) {
        clearTimeout(timer);
        off();
        resolve(events);
      }
    });
  });
}

function describe(event: MonitorEvent): string {
  const e = event as RouteObjectEvent & { reason?: string };
  const marks = ['initial', 'inferred', 'resync'].filter((m) => (e as unknown as Record<string, unknown>)[m]).join(',');
  return `${e.kind}${e.action ? ` ${e.action}` : ''}${marks ? `[${marks}]` : ''}`;
}

const has = (kind: string, action: string, match: (e: RouteObjectEvent) => boolean = () => true) => (events: MonitorEvent[]): boolean =>
  events.some((e) => e.kind === kind && (e as RouteObjectEvent).action === action && match(e as RouteObjectEvent));

/**
 * A veth pair without IPv6 link-local addresses: their duplicate address
 * detection finishes at its own pace, and a view compared with a dump at that
 * moment would be racing it.
 */
function quietVeth(rt: ReturnType<typeof openRoute>, ns: string): void {
  rt.link.add({ name: 'v0', type: 'veth', peer: { name: 'v1' } });
  ip(ns, 'link', 'set', 'v0', 'addrgenmode', 'none');
  ip(ns, 'link', 'set', 'v1', 'addrgenmode', 'none');
  rt.link.set('v0', { up: true });
  rt.link.set('v1', { up: true });
}

const settle = (ms = 100): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

t.test('every rtnetlink kind arrives decoded, from nlkit and from ip', async (t) => {
  if (!requireRoot(t)) return;
  const [ns, peerNs] = testNetns(t, 2, 'mon');
  const monitor = openMonitor({ netns: ns });
  t.teardown(() => monitor.close());
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());

  for (const via of ['nlkit', 'ip'] as const) {
    const events = collect(monitor, (all) => has('link', 'del', (e) => e.kind === 'link' && e.link.name === `${via}0`)(all)
      && has('rule', 'del', (e) => e.kind === 'rule' && e.rule.priority === 1234)(all) && has('neighbour', 'del')(all));
    await settle(20);
    if (via === 'nlkit') {
      rt.link.add({ name: 'nlkit0', type: 'veth', up: true, peer: { name: 'nlkit1', up: true } });
      rt.link.set('nlkit0', { mtu: 1400 });
      rt.addr.add({ dev: 'nlkit0', address: '10.7.0.1/24' });
      rt.addr.add({ dev: 'nlkit0', address: 'fd07::1/64', flags: { nodad: true } });
      rt.route.add({ dst: '10.8.0.0/16', gateway: '10.7.0.2' });
      rt.route.add({ dst: 'fd08::/48', dev: 'nlkit0' });
      rt.neigh.add({ dev: 'nlkit0', address: '10.7.0.9', lladdr: '02:00:00:00:00:09', state: 'permanent' });
      rt.rule.add({ priority: 1234, from: '10.7.0.0/24', table: 100 });
      rt.neigh.delete({ dev: 'nlkit0', address: '10.7.0.9' });
      rt.rule.delete({ priority: 1234 });
      rt.route.delete({ dst: '10.8.0.0/16', gateway: '10.7.0.2' });
      rt.addr.delete({ dev: 'nlkit0', address: '10.7.0.1/24' });
      rt.link.delete('nlkit0');
    } else {
      ip(ns, 'link', 'add', 'ip0', 'up', 'type', 'veth', 'peer', 'name', 'ip1');
      ip(ns, 'link', 'set', 'ip0', 'mtu', '1400');
      ip(ns, 'addr', 'add', '10.7.0.1/24', 'dev', 'ip0');
      ip(ns, 'addr', 'add', 'fd07::1/64', 'dev', 'ip0', 'nodad');
      ip(ns, 'link', 'set', 'ip1', 'up');
      ip(ns, 'route', 'add', '10.8.0.0/16', 'via', '10.7.0.2');
      ip(ns, 'route', 'add', 'fd08::/48', 'dev', 'ip0');
      ip(ns, 'neigh', 'add', '10.7.0.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'ip0', 'nud', 'permanent');
      ip(ns, 'rule', 'add', 'priority', '1234', 'from', '10.7.0.0/24', 'table', '100');
      ip(ns, 'neigh', 'del', '10.7.0.9', 'dev', 'ip0');
      ip(ns, 'rule', 'del', 'priority', '1234');
      ip(ns, 'route', 'del', '10.8.0.0/16', 'via', '10.7.0.2');
      ip(ns, 'addr', 'del', '10.7.0.1/24', 'dev', 'ip0');
      ip(ns, 'link', 'del', 'ip0');
    }
    const seen = await events;
    const of = <K extends RouteObjectEvent['kind']>(kind: K) => seen.filter((e): e is Extract<RouteObjectEvent, { kind: K }> => e.kind === kind);
    const links = of('link').filter((e) => e.link.name === `${via}0`);
    t.ok(links.some((e) => e.action === 'new' && e.link.kind === 'veth'), `${via}: link new, decoded as a veth`);
    t.ok(links.some((e) => e.action === 'new' && e.link.mtu === 1400), `${via}: link change carries the new mtu`);
    t.ok(links.some((e) => e.action === 'del'), `${via}: link del`);
    const index = links[0]!.link.index;
    const v4 = of('address').filter((e) => e.address.address === '10.7.0.1');
    t.same(v4.map((e) => [e.action, e.address.index, e.address.prefixLength]), [['new', index, 24], ['del', index, 24]], `${via}: IPv4 address new and del`);
    t.ok(of('address').some((e) => e.action === 'new' && e.address.address === 'fd07::1' && e.address.family === 6), `${via}: IPv6 address new`);
    const routes = of('route').filter((e) => e.route.dst === '10.8.0.0');
    t.same(routes.map((e) => [e.action, e.route.gateway, e.route.dstLength, e.route.table]), [['new', '10.7.0.2', 16, 254], ['del', '10.7.0.2', 16, 254]], `${via}: IPv4 route new and del`);
    t.ok(of('route').some((e) => e.action === 'new' && e.route.dst === 'fd08::' && e.route.oif === index), `${via}: IPv6 route new`);
    const neighbours = of('neighbour').filter((e) => e.neighbour.dst === '10.7.0.9');
    // Deleting an entry is announced as a change to FAILED, then the removal.
    t.same(neighbours.map((e) => [e.action, e.neighbour.stateNames, e.neighbour.lladdr]),
      [['new', ['PERMANENT'], '02:00:00:00:00:09'], ['new', ['FAILED'], undefined], ['del', ['FAILED'], undefined]], `${via}: neighbour new and del`);
    const rules = of('rule').filter((e) => e.rule.priority === 1234);
    t.same(rules.map((e) => [e.action, e.rule.table, e.rule.src]), [['new', 100, '10.7.0.0'], ['del', 100, '10.7.0.0']], `${via}: rule new and del`);
    if (via === 'nlkit') t.ok(links.every((e) => e.portId === rt.socket.portId || e.portId === 0), 'portId names the requesting socket');
  }

  // nsid: a peer namespace gets an id, then dies.
  const nsids = collect(monitor, has('nsid', 'new'));
  await settle(20);
  const id = rt.nsid.set(peerNs, 'auto');
  const nsidEvents = await nsids;
  t.ok(nsidEvents.some((e) => e.kind === 'nsid' && e.netnsId.nsid === id), 'nsid new carries the id');
});

t.test('deleting a namespace yields its links\' deletions on the host side', async (t) => {
  if (!requireRoot(t)) return;
  const [host] = testNetns(t, 1, 'monhost');
  const pod = uniqueNetnsName('monpod');
  createNetns(pod);
  const rt = openRoute({ netns: host });
  t.teardown(() => rt.close());
  rt.link.add({ name: 'vpod', type: 'veth', peer: { name: 'eth0', netns: pod } });
  const monitor = openMonitor({ netns: host, groups: ['link'] });
  t.teardown(() => monitor.close());
  const gone = collect(monitor, has('link', 'del', (e) => e.kind === 'link' && e.link.name === 'vpod'));
  await settle(20);
  deleteNetns(pod);
  const events = await gone;
  t.ok(events.some((e) => e.kind === 'link' && e.action === 'del' && e.link.name === 'vpod'), 'the host end\'s deletion arrives');
});

t.test('list-and-watch: initial listing, synced, then changes; no gap, no duplicate; the view equals a fresh dump', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'monlist');
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  quietVeth(rt, ns);
  for (let i = 1; i <= 50; i++) rt.addr.add({ dev: 'v0', address: `10.20.${i}.1/24` });
  // Churn from another process while the monitor lists.
  const script = Array.from({ length: 300 }, (_, i) => `addr ${i % 2 ? 'del' : 'add'} 10.30.${Math.floor(i / 2)}.1/24 dev v1`).join('\n');
  const monitor = openMonitor({ netns: ns, list: true });
  t.teardown(() => monitor.close());
  const events: MonitorEvent[] = [];
  monitor.on('event', (e) => events.push(e));
  execFileSync('ip', ['-n', ns, '-batch', '-'], { input: script });
  rt.addr.add({ dev: 'v1', address: '10.40.0.1/24' });
  await collect(monitor, () => events.some((e) => e.kind === 'address' && e.address.address === '10.40.0.1'));
  await settle(200);
  const synced = events.findIndex((e) => e.kind === 'synced');
  t.ok(synced > 0, 'a synced event ends the initial listing');
  t.ok(events.slice(0, synced).every((e) => (e as RouteObjectEvent).initial), 'everything before it is marked initial');
  t.notOk(events.slice(synced + 1).some((e) => (e as RouteObjectEvent).initial), 'nothing after it is');
  const initialKeys = events.slice(0, synced).map((e) => `${e.kind}:${objectKey((e as RouteObjectEvent).kind, eventObjectOf(e as RouteObjectEvent))}`);
  t.equal(new Set(initialKeys).size, initialKeys.length, 'no object is listed twice');
  t.ok(events.slice(0, synced).filter((e) => e.kind === 'address' && e.address.address.startsWith('10.20.')).length === 50, 'the 50 existing addresses are listed');
  sameAsDump(t, monitor, rt);
});

function eventObjectOf(e: RouteObjectEvent): never {
  return (e.kind === 'link' ? e.link : e.kind === 'address' ? e.address : e.kind === 'route' ? e.route
    : e.kind === 'neighbour' ? e.neighbour : e.kind === 'rule' ? e.rule : e.kind === 'nexthop' ? e.nexthop : e.netnsId) as never;
}

/** The monitor's view holds exactly what a fresh dump returns, key for key. */
function sameAsDump(t: Test, monitor: Monitor, rt: ReturnType<typeof openRoute>): void {
  const view = monitor.view!;
  const keys = (kind: 'link' | 'address' | 'route' | 'rule', objects: readonly object[]) => objects.map((o) => objectKey(kind, o as never)).sort();
  t.same([...view.links.keys()].sort(), keys('link', rt.link.list()), 'view links = dump');
  t.same([...view.addresses.keys()].sort(), keys('address', rt.addr.list()), 'view addresses = dump');
  t.same([...view.routes.keys()].sort(), keys('route', rt.route.list({ table: 'all' })), 'view routes = dump');
  t.same([...view.rules.keys()].sort(), keys('rule', rt.rule.list()), 'view rules = dump');
}

t.test('an induced overrun is reported, and after resync the view equals a fresh dump', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'monovr');
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  quietVeth(rt, ns);
  const monitor = openMonitor({ netns: ns, list: true, receiveBufferSize: 4096 });
  t.teardown(() => monitor.close());
  await collect(monitor, (all) => all.some((e) => e.kind === 'synced'));
  const events: MonitorEvent[] = [];
  monitor.on('event', (e) => events.push(e));
  // The event loop is blocked while ip works: thousands of notifications meet a tiny queue.
  const script = Array.from({ length: 4000 }, (_, i) => `addr add 10.${50 + Math.floor(i / 250)}.${i % 250}.1/32 dev v0`).join('\n');
  execFileSync('ip', ['-n', ns, '-batch', '-'], { input: script });
  await collect(monitor, (all) => all.some((e) => e.kind === 'synced' && e.reason === 'resync') || (events.some((e) => e.kind === 'synced' && e.reason === 'resync')), 30_000)
    .catch(() => undefined);
  await settle(300);
  const overrun = events.find((e) => e.kind === 'overrun');
  t.ok(overrun, 'an overrun event is delivered');
  t.match(overrun, { source: 'route', resyncing: true }, 'it says a resync follows');
  t.ok(events.some((e) => e.kind === 'synced' && e.reason === 'resync'), 'the resync ends with synced');
  t.ok(events.some((e) => (e as RouteObjectEvent).resync), 'and delivered the missed changes marked resync');
  t.equal(monitor.view!.addresses.size >= 4000, true, `the view holds every address (${monitor.view!.addresses.size})`);
  sameAsDump(t, monitor, rt);
  // The subscription survives: a change after the resync still arrives.
  const later = collect(monitor, has('address', 'new', (e) => e.kind === 'address' && e.address.address === '10.99.0.1'));
  rt.addr.add({ dev: 'v0', address: '10.99.0.1/32' });
  t.ok(await later, 'events flow after the overrun');
});

t.test('inferred deletions: a device going down, a device deleted', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'moninf');
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  quietVeth(rt, ns);
  rt.addr.add({ dev: 'v0', address: '10.61.0.1/24' });
  rt.route.add({ dst: '10.62.0.0/16', gateway: '10.61.0.2' });
  const monitor = openMonitor({ netns: ns, list: true });
  t.teardown(() => monitor.close());
  await collect(monitor, (all) => all.some((e) => e.kind === 'synced'));
  const down = collect(monitor, has('route', 'del', (e) => e.kind === 'route' && e.route.dst === '10.62.0.0'));
  rt.link.set('v0', { up: false });
  const downEvents = await down;
  const inferred = downEvents.find((e) => e.kind === 'route' && e.route.dst === '10.62.0.0') as RouteObjectEvent;
  t.equal(inferred.inferred, true, 'the gateway route that went with the device going down is inferred');
  await settle(200);
  sameAsDump(t, monitor, rt);
  rt.link.set('v0', { up: true });
  rt.route.add({ dst: '10.62.0.0/16', gateway: '10.61.0.2' });
  await settle(200);
  const gone = collect(monitor, (all) => has('link', 'del', (e) => e.kind === 'link' && e.link.name === 'v0')(all));
  rt.link.delete('v0');
  await gone;
  await settle(300);
  t.notOk([...monitor.view!.addresses.values()].some((a) => a.address === '10.61.0.1'), 'the device\'s address left the view');
  t.notOk([...monitor.view!.routes.values()].some((r) => r.dst === '10.62.0.0'), 'its routes too');
  sameAsDump(t, monitor, rt);
});

t.test('poll, async iteration, listenAllNsid', async (t) => {
  if (!requireRoot(t)) return;
  const [host, pod] = testNetns(t, 2, 'monpoll');
  const rt = openRoute({ netns: pod });
  t.teardown(() => rt.close());
  const polled = openMonitor({ netns: pod, groups: ['link'] });
  t.teardown(() => polled.close());
  rt.link.add({ name: 'v0', type: 'veth', peer: { name: 'v1' } });
  const events = polled.poll(2000);
  t.ok(events.some((e) => e.kind === 'link' && e.link.name === 'v0'), 'poll returns what is queued');
  t.same(polled.poll(0), [], 'and nothing twice');

  const iterated = openMonitor({ netns: pod, groups: ['ipv4-address'] });
  const got: string[] = [];
  const loop = (async () => {
    for await (const e of iterated) {
      if (e.kind === 'address') got.push(e.address.address);
      if (got.length === 2) break;
    }
  })();
  await settle(20);
  rt.addr.add({ dev: 'v0', address: '10.71.0.1/24' });
  rt.addr.add({ dev: 'v0', address: 'fd71::1/64', flags: { nodad: true } });
  rt.addr.add({ dev: 'v0', address: '10.71.0.2/24' });
  await loop;
  t.same(got, ['10.71.0.1', '10.71.0.2'], 'for await delivers in order, IPv4 only with ipv4-address');
  const ended = (async () => { for await (const _ of iterated) void _; return 'ended'; })();
  iterated.close();
  t.equal(await ended, 'ended', 'close ends an iteration');

  const all = openMonitor({ netns: host, groups: ['link'], listenAllNsid: true });
  t.teardown(() => all.close());
  const hostRt = openRoute({ netns: host });
  t.teardown(() => hostRt.close());
  const podId = hostRt.nsid.get(pod);
  t.ok(podId !== undefined && podId >= 0, `the pod got an nsid in the host (${podId})`);
  const fromPod = collect(all, has('link', 'new', (e) => e.kind === 'link' && e.link.name === 'w0'));
  rt.link.add({ name: 'w0', type: 'veth', peer: { name: 'w1' } });
  const seen = await fromPod;
  const event = seen.find((e) => e.kind === 'link' && e.link.name === 'w0') as RouteObjectEvent;
  t.equal(event.nsid, podId, 'an event from another namespace carries its nsid');
});

t.test('bad options are refused before anything is opened', async (t) => {
  const fds = openNlkitFds();
  const bad: [unknown, RegExp][] = [
    ['pod1', /options must be an object|openMonitor options/],
    [{ group: ['link'] }, /unknown option "group"/],
    [{ groups: [] }, /non-empty array/],
    [{ groups: ['links'] }, /unknown group "links"|unknown group the string "links"/],
    [{ list: 'yes' }, /list/],
    [{ listenAllNsid: true, list: true }, /cannot be combined/],
    [{ receiveBufferSize: 10 }, /receiveBufferSize/],
    [{ netns: 42 }, /netns must be/],
  ];
  for (const [options, message] of bad) t.throws(() => openMonitor(options as never), { name: 'InvalidArgumentError', message }, String(JSON.stringify(options)));
  t.throws(() => openMonitor().on('evnt' as never, () => {}), InvalidArgumentError);
  t.equal(openNlkitFds(), fds + 1, 'only the monitor whose listener was refused is open');
});

t.test('100 namespaces watched from one process; 10,000 open/close cycles leak nothing', async (t) => {
  if (!requireRoot(t)) return;
  const names = testNetns(t, 100, 'monmany');
  const before = openNlkitFds();
  const monitors = names.map((netns) => openMonitor({ netns, groups: ['link'] }));
  t.equal(openNlkitFds() - before, 100, 'one fd per monitor');
  const arrived = new Set<string>();
  const done = new Promise<void>((resolve) => {
    monitors.forEach((m, i) => m.on('event', (e) => {
      if (e.kind === 'link' && e.link.name === 'v0') arrived.add(names[i]!);
      if (arrived.size === names.length) resolve();
    }));
  });
  for (const netns of names) {
    const rt = openRoute({ netns });
    rt.link.add({ name: 'v0', type: 'veth', peer: { name: 'v1' } });
    rt.close();
  }
  await Promise.race([done, settle(20_000)]);
  t.equal(arrived.size, 100, 'every namespace\'s monitor saw its own link');
  for (const m of monitors) m.close();
  t.equal(openNlkitFds(), before, 'closing them releases every fd');

  const [one] = names;
  const rss = process.memoryUsage().rss;
  for (let i = 0; i < 10_000; i++) {
    const m = openMonitor({ netns: one, groups: ['link', 'address'] });
    if (i % 3 === 0) m.on('event', () => {});
    if (i % 5 === 0) void m[Symbol.asyncIterator]().next();
    m.close();
  }
  t.equal(openNlkitFds(), before, '10,000 open/close cycles leave no fd');
  t.ok(process.memoryUsage().rss - rss < 64 << 20, `RSS grew ${((process.memoryUsage().rss - rss) / 2 ** 20).toFixed(1)} MiB`);
});

t.test('notifications that arrive while the monitor dumps are delivered as themselves, none lost', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'monheld');
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  quietVeth(rt, ns);
  rt.addr.add({ dev: 'v0', address: '10.81.0.1/24' });
  rt.addr.add({ dev: 'v1', address: '10.82.0.1/24' });
  rt.route.add({ dst: '10.83.0.0/16', gateway: '10.81.0.2' });
  const monitor = openMonitor({ netns: ns, list: true, resync: false });
  t.teardown(() => monitor.close());
  const events: MonitorEvent[] = [];
  monitor.on('event', (e) => events.push(e));
  await monitor.settled();
  t.ok(events.some((e) => e.kind === 'synced'), 'list without resync lists and syncs');
  // v0 going down makes the monitor dump routes; the batch lands around that dump.
  rt.link.set('v0', { up: false });
  const script = Array.from({ length: 200 }, (_, i) => `route add 10.90.${i}.0/24 dev v1\nroute del 10.90.${i}.0/24 dev v1`).join('\n');
  execFileSync('ip', ['-n', ns, '-batch', '-'], { input: script });
  await collect(monitor, () => events.filter((e) => e.kind === 'route' && e.action === 'del' && e.route.dst?.startsWith('10.90.')).length >= 200, 20_000).catch(() => undefined);
  await monitor.settled();
  const batch = events.filter((e): e is Extract<RouteObjectEvent, { kind: 'route' }> => e.kind === 'route' && !!e.route.dst?.startsWith('10.90.'));
  t.equal(batch.filter((e) => e.action === 'new').length, 200, 'every route added is delivered');
  t.equal(batch.filter((e) => e.action === 'del').length, 200, 'and every deletion');
  t.notOk(batch.some((e) => e.inferred || e.resync), 'as announced events, not inferred ones');
  t.ok(events.some((e) => e.kind === 'route' && e.route.dst === '10.83.0.0' && e.action === 'del' && e.inferred), 'the silent deletion is still inferred');
  sameAsDump(t, monitor, rt);
});

t.test('an iterator that falls behind loses its backlog and is told', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'monslow');
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  const monitor = openMonitor({ netns: ns, groups: ['link'], maxQueuedEvents: 5 });
  t.teardown(() => monitor.close());
  const iterator = monitor[Symbol.asyncIterator]();
  for (let i = 0; i < 10; i++) rt.link.add({ name: `s${i}`, type: 'veth', peer: { name: `p${i}` } });
  await settle(300);
  const first = await iterator.next();
  const seen: MonitorEvent[] = [first.value as MonitorEvent];
  for (;;) {
    const next = await Promise.race([iterator.next(), settle(200).then(() => undefined)]);
    if (!next || next.done) break;
    seen.push(next.value);
  }
  const overrun = seen.find((e) => e.kind === 'overrun');
  t.match(overrun, { kind: 'overrun', source: 'consumer', resyncing: false }, 'an overrun from the consumer side');
  t.ok(seen.length <= 6, `no more than maxQueuedEvents + 1 held (${seen.length})`);
});
