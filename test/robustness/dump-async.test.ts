// An async dump sends its request from the event loop (src/netlink/socket.ts
// runAsync), no longer from a worker thread. Whatever order the caller mixes
// dumps, other async exchanges, sync calls and close() in, each exchange must
// get its own replies (never another's), a sync call must be refused while an
// async exchange is in flight rather than steal its replies, and a close must
// reject what is queued with a typed error and leave no fd behind.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { SocketBusyError, SocketClosedError } from '../../src/netlink/index.js';
import { openRoute, type RouteConnection } from '../../src/route/index.js';
import { openNlkitFds } from '../helpers/fds.js';
import { ipJson, requireRoot, testNetns } from '../helpers/netns.js';

if (!requireRoot(t)) process.exit(0);

/** A namespace with a few links, 200 addresses and their routes: dumps of several parts. */
function populated(t: Test): string {
  const [ns] = testNetns(t, 1, 'robdump');
  const rt = openRoute({ netns: ns });
  try {
    for (let i = 0; i < 4; i++) rt.link.add({ name: `v${i}`, type: 'veth', peer: { name: `p${i}` } });
    for (let i = 0; i < 4; i++) rt.link.set(`v${i}`, { up: true });
    rt.addr.addMany(Array.from({ length: 200 }, (_, i) => ({ dev: `v${i & 3}`, address: `10.140.${i}.1/24` })));
  } finally {
    rt.close();
  }
  return ns!;
}

const linkNames = (ns: string): string[] => ipJson<{ ifname: string }[]>(ns, 'link', 'show').map((l) => l.ifname).sort();
const ipv4Addresses = (ns: string): string[] =>
  ipJson<{ addr_info: { family: string; local: string; prefixlen: number }[] }[]>(ns, 'addr', 'show')
    .flatMap((l) => l.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`)).sort();
const ipv4Routes = (ns: string): number => ipJson<unknown[]>(ns, '-4', 'route', 'show', 'table', 'all').length;

t.test('60 concurrent async dumps of three kinds on one socket: serialised, each resolves with its own kind, equal to ip -j', async (t) => {
  const ns = populated(t);
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  const links = linkNames(ns);
  const addresses = ipv4Addresses(ns);
  const routes = ipv4Routes(ns);
  const pending: Promise<string>[] = [];
  for (let i = 0; i < 60; i++) {
    if (i % 3 === 0) pending.push(rt.link.listAsync().then((l) => `links ${JSON.stringify(l.map((x) => x.name).sort())}`));
    else if (i % 3 === 1) pending.push(rt.addr.listAsync({ family: 4 }).then((a) => `addresses ${JSON.stringify(a.map((x) => `${x.local ?? x.address}/${x.prefixLength}`).sort())}`));
    else pending.push(rt.route.listAsync({ family: 4, table: 'all' }).then((r) => `routes ${r.length}`));
  }
  const results = await Promise.all(pending);
  const expected = (i: number) => (i % 3 === 0 ? `links ${JSON.stringify(links)}` : i % 3 === 1 ? `addresses ${JSON.stringify(addresses)}` : `routes ${routes}`);
  const wrong = results.map((r, i) => [i, r] as const).filter(([i, r]) => r !== expected(i));
  t.same(wrong, [], `every dump equals ip -j (${links.length} links, ${addresses.length} addresses, ${routes} routes)`);
  t.same(rt.link.list().map((l) => l.name).sort(), links, 'the socket is usable synchronously afterwards');
});

t.test('a dump queued behind a slow async change runs after it and sees it', async (t) => {
  const ns = populated(t);
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  const order: string[] = [];
  const added = rt.link.addAsync({ name: 'slow0', type: 'veth', peer: { name: 'slow1' } }).then(() => order.push('add'));
  const listed = rt.link.listAsync().then((l) => {
    order.push('list');
    return l.map((x) => x.name);
  });
  const deleted = rt.link.deleteAsync('slow0').then(() => order.push('delete'));
  const again = rt.link.listAsync().then((l) => l.map((x) => x.name));
  const [names, , namesAfter] = await Promise.all([listed, added, again, deleted]);
  t.same(order, ['add', 'list', 'delete'], 'in the order called');
  t.ok(names.includes('slow0') && names.includes('slow1'), 'the dump saw the pair added before it');
  t.notOk(namesAfter.includes('slow0'), 'the next dump saw the deletion');
  t.same(namesAfter.sort(), linkNames(ns), 'equal to ip -j');
});

t.test('sync calls while async exchanges and a dump are in flight: SocketBusyError, each gets its own replies', async (t) => {
  const ns = populated(t);
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  const addresses = ipv4Addresses(ns);
  // A veth pair is slow to make: its send keeps the exchange in flight for turns; the dump queues behind it.
  const add = rt.link.addAsync({ name: 'busy0', type: 'veth', peer: { name: 'busy1' } });
  const dump = rt.addr.listAsync({ family: 4 });
  // Called in the same turn, before the queued exchanges have started: the sync call runs first and whole.
  t.same(rt.link.list().map((l) => l.name).sort(), linkNames(ns), 'a sync call before the async ones have started is served');
  let busy = 0;
  let done = false;
  void Promise.allSettled([add, dump]).then(() => void (done = true));
  for (let turn = 0; turn < 10_000 && !done; turn++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (done) break;
    // Refused while an exchange waits for replies; served in the turn a
    // finished dump yields before resolving (its replies are all read by then).
    try {
      const name = rt.link.get('v0').name;
      if (name !== 'v0') t.fail(`turn ${turn}: a sync call got another exchange's reply (${name})`);
    } catch (error) {
      if (error instanceof SocketBusyError) busy++;
      else throw error;
    }
  }
  await add;
  const got = (await dump).map((a) => `${a.local ?? a.address}/${a.prefixLength}`).sort();
  t.same(got, addresses, 'the dump equals ip -j');
  t.ok(busy > 0, `${busy} sync calls refused while the exchanges were in flight`);
  t.equal(rt.link.get('busy0').name, 'busy0', 'sync calls work again once they are done');
});

t.test('close() right after dumpAsync, at every moment: typed rejections, nothing left open', async (t) => {
  const ns = populated(t);
  const before = openNlkitFds();
  const moments: ((go: () => void) => void)[] = [
    (go) => go(),
    (go) => queueMicrotask(go),
    (go) => process.nextTick(go),
    (go) => setImmediate(go),
    (go) => setTimeout(go, 0),
  ];
  const outcomes = { resolved: 0, closed: 0 };
  const other: unknown[] = [];
  for (let i = 0; i < 500; i++) {
    const rt = openRoute({ netns: ns });
    const pending = [rt.addr.listAsync(), rt.link.listAsync(), rt.route.listAsync({ family: 4 }), rt.link.getAsync('v1')];
    await new Promise<void>((go) => moments[i % moments.length]!(go));
    rt.close();
    for (const outcome of await Promise.allSettled(pending)) {
      if (outcome.status === 'fulfilled') outcomes.resolved++;
      else if (outcome.reason instanceof SocketClosedError) outcomes.closed++;
      else other.push(outcome.reason);
    }
  }
  t.same(other, [], 'every rejection is a SocketClosedError');
  t.ok(outcomes.closed > 0, `closes landed on queued or in-flight dumps (${outcomes.closed} rejected, ${outcomes.resolved} resolved)`);
  t.equal(openNlkitFds(), before, 'no socket left open');
});

t.test('dumpAsync on a closed socket rejects (never throws synchronously) with SocketClosedError', async (t) => {
  const [ns] = testNetns(t, 1, 'robdump');
  const rt = openRoute({ netns: ns });
  rt.close();
  let promise: Promise<unknown> | undefined;
  t.doesNotThrow(() => void (promise = rt.link.listAsync()), 'no synchronous throw');
  await t.rejects(promise!, SocketClosedError);
  await t.rejects(rt.addr.listAsync(), SocketClosedError);
  t.throws(() => rt.link.list(), SocketClosedError, 'the sync form throws the same type');
});

t.test('async dumps stay whole while another process changes the table', async (t) => {
  const ns = populated(t);
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-robdump-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const batch = join(dir, 'churn');
  const lines: string[] = [];
  for (let i = 0; i < 1500; i++) lines.push(`addr ${i % 2 === 0 ? 'add' : 'del'} 10.141.${(i >> 1) & 255}.1/32 dev v${(i >> 1) & 3}`);
  writeFileSync(batch, `${lines.join('\n')}\n`);
  // ip runs on the other CPU while the dumps read: a dump is retried when flagged, never handed over mixed.
  const churn = spawn('ip', ['-n', ns, '-batch', batch], { stdio: 'ignore' });
  let running = true;
  const exited = new Promise<number | null>((resolve) => churn.on('close', (code) => {
    running = false;
    resolve(code);
  }));
  const wrong: string[] = [];
  let dumps = 0;
  // Bounded, and yielding to the event loop each time so that the child's exit is seen.
  while ((running || dumps < 20) && dumps < 5_000) {
    await new Promise((resolve) => setImmediate(resolve));
    const list = await rt.addr.listAsync({ family: 4 });
    dumps++;
    const stable = list.filter((a) => a.prefixLength === 24).map((a) => a.local ?? a.address);
    if (stable.length !== 200 || new Set(stable).size !== 200) wrong.push(`dump ${dumps}: ${stable.length} stable addresses, ${new Set(stable).size} distinct`);
  }
  t.equal(await exited, 0, 'ip -batch succeeded');
  t.same(wrong, [], `each of ${dumps} dumps holds the 200 stable addresses exactly once`);
});

t.test('a loop of awaited async dumps lets the event loop turn (timers, I/O) between them', async (t) => {
  const ns = populated(t);
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  let timerFired = false;
  setTimeout(() => void (timerFired = true), 0);
  let dumps = 0;
  // Before the change a dump's send went through the thread pool, so each await
  // gave the loop a turn; a loop like this, stopped by a timer or an event, must not spin forever.
  while (!timerFired && dumps < 2_000) {
    await rt.link.listAsync();
    dumps++;
  }
  t.ok(timerFired, `a 0 ms timer fired after ${dumps} awaited dumps`);
  t.ok(dumps < 50, `within a few dumps (${dumps})`);
});
