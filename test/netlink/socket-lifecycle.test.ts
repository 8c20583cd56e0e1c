// Closing sockets at any moment, with requests queued or in flight, and
// recovering from receive-queue overruns: the host process must survive and
// every caller must get a typed answer.
import t from 'tap';
import { openRoute } from '../../src/route/index.js';
import { ReceiveOverrunError, SocketClosedError, NetlinkBatchError } from '../../src/netlink/index.js';
import { openNlkitFds } from '../helpers/fds.js';
import { ip, requireRoot, testNetns } from '../helpers/netns.js';


/** Ways a close can land relative to an async request. */
const moments: ((resolve: () => void) => void)[] = [
  (go) => go(),
  (go) => queueMicrotask(go),
  (go) => setImmediate(go),
  (go) => setTimeout(go, 0),
  (go) => process.nextTick(go),
];

t.test('close with requests in flight: typed rejections, no crash when the fd number is reused', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'close');
  ip(ns!, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
  const before = openNlkitFds();
  const outcomes = { resolved: 0, closed: 0 };
  const cycles = 3000;
  let reused = 0;
  for (let i = 0; i < cycles; i++) {
    const a = openRoute({ netns: ns });
    // The reproduction: a request in flight, close, then a new socket
    // that takes the same fd number and waits on the event loop.
    const pending = [
      i % 3 === 0 ? a.link.getAsync(1) : i % 3 === 1 ? a.link.listAsync() : a.link.deleteAsync('nope').catch((e) => { if (e.code !== 'ENODEV') throw e; }),
      a.addr.listAsync(),
    ];
    const settled = Promise.allSettled(pending);
    await new Promise<void>((go) => moments[i % moments.length]!(go));
    a.close();
    const b = openRoute({ netns: ns });
    if (b.socket.fd === a.socket.fd) reused++; // reuse is what used to abort
    const links = await b.link.listAsync();
    if (links.length !== 3) t.fail(`cycle ${i}: the new socket listed ${links.length} links`);
    for (const r of await settled) {
      if (r.status === 'fulfilled') outcomes.resolved++;
      else if (r.reason instanceof SocketClosedError) outcomes.closed++;
      else t.fail(`cycle ${i}: unexpected ${r.reason?.name}: ${r.reason?.message}`);
    }
    try {
      a.link.get(1);
      t.fail('a closed connection answered a sync call');
    } catch (e) {
      if (!(e instanceof SocketClosedError)) t.fail(`sync call on a closed connection: ${(e as Error).name}`);
    }
    const late = await a.link.getAsync(1).then(() => undefined, (e) => e);
    if (!(late instanceof SocketClosedError)) t.fail(`async call on a closed connection: ${late?.name}`);
    b.close();
  }
  t.equal(outcomes.resolved + outcomes.closed, cycles * 2, `every request answered (${outcomes.resolved} done, ${outcomes.closed} closed)`);
  t.ok(outcomes.closed > 0, 'some requests were cut off by close');
  t.ok(reused > 0, `the closed socket's fd number was reused by the next one (${reused} of ${cycles})`);
  t.equal(openNlkitFds(), before, 'no fd leaked');
});

t.test('close from inside a callback of the same socket, and double close', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'close2');
  const rt = openRoute({ netns: ns });
  const first = rt.link.listAsync();
  const second = rt.link.getAsync(1);
  const third = rt.addr.listAsync();
  first.then(() => rt.close(), () => rt.close());
  await first.catch(() => undefined);
  await t.rejects(second, SocketClosedError, 'queued behind a close: rejected, typed');
  await t.rejects(third, SocketClosedError);
  rt.close();
  t.ok(rt.socket.isClosed);
});

t.test('after a receive overrun the socket recovers, sync and async', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'overrun');
  ip(ns!, 'link', 'set', 'lo', 'up');
  // A tiny receive buffer and 100 failing routes: their error replies overflow it.
  const rt = openRoute({ netns: ns, receiveBufferSize: 8192 });
  t.teardown(() => rt.close());
  const routes = Array.from({ length: 100 }, (_, i) => ({ dst: `10.9.${i}.0/24`, gateway: '192.0.2.1' }));
  for (const mode of ['sync', 'async'] as const) {
    let error: unknown;
    try {
      if (mode === 'sync') rt.route.addMany(routes);
      else await rt.route.addManyAsync(routes);
    } catch (e) {
      error = e;
    }
    t.ok(error instanceof ReceiveOverrunError || error instanceof NetlinkBatchError, `${mode}: a typed error (${(error as Error)?.name})`);
    if (error instanceof ReceiveOverrunError) {
      t.ok(error.failures.length + error.unknown.length >= 1, `${mode}: the error says what is known`);
      t.match(error.message, /overflowed/);
    }
    // The next calls neither hang nor read the stale replies.
    t.equal(rt.link.get(1).name, 'lo', `${mode}: next sync call works`);
    t.equal((await rt.link.getAsync(1)).name, 'lo', `${mode}: next async call works`);
    t.same(rt.route.list({ table: 'main' }).length, 0, `${mode}: no route was added`);
  }
});

t.test('an overrun in one send of a packed batch: every request is accounted for', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'overrun2');
  ip(ns!, 'link', 'set', 'lo', 'up');
  ip(ns!, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
  ip(ns!, 'link', 'set', 'v0', 'up');
  ip(ns!, 'link', 'set', 'v1', 'up');
  ip(ns!, 'addr', 'add', '10.1.0.1/24', 'dev', 'v0');
  const rt = openRoute({ netns: ns, receiveBufferSize: 8192 });
  t.teardown(() => rt.close());
  for (const mode of ['sync', 'async'] as const) {
    const third = mode === 'sync' ? 20 : 30;
    // 600 routes over three sends; the odd ones point at an unreachable gateway and fail.
    const routes = Array.from({ length: 600 }, (_, i) => ({ dst: `10.${third}.${i >> 8}.${i & 255}/32`, gateway: i % 2 ? '192.0.2.1' : '10.1.0.2' }));
    let error: unknown;
    try {
      if (mode === 'sync') rt.route.addMany(routes);
      else await rt.route.addManyAsync(routes);
    } catch (e) {
      error = e;
    }
    const present = new Set(rt.route.list({ table: 'main' }).map((r) => r.dst));
    const failed = new Set<number>();
    const unknown = new Set<number>();
    if (error instanceof ReceiveOverrunError) {
      for (const f of error.failures) failed.add(f.index);
      for (const u of error.unknown) unknown.add(u);
    } else if (error instanceof NetlinkBatchError) {
      for (const f of error.failures) failed.add(f.index);
    } else {
      t.fail(`${mode}: expected a typed batch error, got ${(error as Error)?.name}`);
    }
    let wrong = 0;
    routes.forEach((r, i) => {
      if (unknown.has(i)) return;
      const applied = present.has(r.dst);
      if (failed.has(i) === applied) wrong++;
    });
    t.equal(wrong, 0, `${mode}: every request outside .unknown is reported as it happened (${failed.size} failed, ${unknown.size} unknown)`);
    t.ok([...unknown].every((i) => i < 600), `${mode}: unknown indexes are request indexes`);
  }
});
