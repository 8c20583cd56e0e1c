// `nlkit -batch` against `ip -batch`: the same file in two namespaces built
// alike must end in the same state, with the same messages and status —
// also when a line fails, with and without -force (nlkit packs runs of
// `route add` / `addr add` lines into few sends and must still stop where ip
// stops).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskAddressJson, maskRouteJson } from '../helpers/volatile.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

function prepare(ns: string): void {
  ipOut('-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
  ipOut('-n', ns, 'link', 'set', 'v0', 'up');
  ipOut('-n', ns, 'link', 'set', 'v1', 'up');
}

function state(ns: string): unknown {
  return {
    routes: maskRouteJson(JSON.parse(ipOut('-n', ns, '-j', '-4', 'route', 'show', 'table', 'all'))),
    addresses: maskAddressJson(JSON.parse(ipOut('-n', ns, '-j', '-4', 'addr', 'show'))),
    links: JSON.parse(ipOut('-n', ns, '-j', 'link', 'show')).map((l: { ifname: string; mtu: number; flags: string[] }) => [l.ifname, l.mtu, l.flags]),
  };
}

/** A batch file: link changes, an address run, a long route run, with a bad line at `badAt` (a route that exists). */
function batchFile(routes: number, badAt?: number): string {
  const lines = ['# a comment line', 'link set v0 mtu 1400', 'addr add 10.0.0.1/24 dev v0', 'a add 10.0.1.1/24 dev v0', ''];
  for (let i = 0; i < routes; i++) {
    lines.push(`route add 10.${(i >> 8) + 100}.${i & 255}.0/24 via 10.0.0.2 metric ${i % 3}`);
    if (i === badAt) lines.push('route add 10.100.0.0/24 via 10.0.0.2 metric 0');
  }
  lines.push('r add 192.0.2.0/24 dev v1', 'link set v1 mtu 1300');
  return lines.join('\n') + '\n';
}

t.test('-batch: same state, messages and status as ip -batch', async (t) => {
  if (!requireRoot(t)) return;
  const dir = tmpdir();
  for (const [name, text, force] of [
    ['clean', batchFile(3000), false],
    ['fails mid-run', batchFile(3000, 1500), false],
    ['fails mid-run, -force', batchFile(3000, 1500), true],
  ] as const) {
    await t.test(name, async (t) => {
      const [a, b] = testNetns(t, 2, 'clibatch');
      prepare(a!);
      prepare(b!);
      const file = join(dir, `nlkit-batch-${process.pid}-${name.replace(/\W/g, '')}`);
      writeFileSync(file, text);
      t.teardown(() => writeFileSync(file, ''));
      const opts = force ? ['-force'] : [];
      const ip = ipRun(['-n', a!, ...opts, '-batch', file]);
      const mine = await nlkit(['-n', b!, ...opts, '-batch', file]);
      t.equal(mine.status, ip.status, 'exit status');
      t.equal(mine.stderr, ip.stderr, 'messages');
      t.same(state(b!), state(a!), 'the namespaces end alike');
    });
  }
  await t.test('-batch - reads standard input', async (t) => {
    const [a] = testNetns(t, 1, 'clibatch');
    prepare(a!);
    const mine = await nlkit(['-n', a!, '-batch', '-'], 'addr add 10.0.0.1/24 dev v0\nroute add 10.9.0.0/16 via 10.0.0.2\n');
    t.equal(mine.status, 0);
    t.match(ipOut('-n', a!, 'route', 'show'), /10\.9\.0\.0\/16 via 10\.0\.0\.2 dev v0/);
  });
});

t.test('-batch packs runs of route and address adds into addMany calls', async (t) => {
  const { runPackedBatch } = await import('../../src/cli/batch-packing.js');
  const { CliContext, defaultOptions } = await import('../../src/cli/context.js');
  const calls: string[] = [];
  const ctx = new CliContext(defaultOptions(), { stdout: () => {}, stderr: () => {} });
  const service = (name: string) => ({
    addMany: (specs: unknown[]) => void calls.push(`${name}.addMany ${specs.length}`),
    deleteMany: (specs: unknown[]) => void calls.push(`${name}.deleteMany ${specs.length}`),
  });
  (ctx as unknown as { rt: () => unknown }).rt = () => ({ route: service('route'), addr: service('addr') });
  const lines = [
    ...Array.from({ length: 5000 }, (_, i) => `route add 10.${i >> 8}.${i & 255}.0/24 via 10.255.0.1`),
    'addr add 10.0.0.1/24 dev v0', 'a add 10.0.0.2/24 dev v0',
    'link show',
    'r add 10.255.1.0/24 dev v0',
  ].map((line, n) => ({ number: n + 1, words: line.split(' ') }));
  const ran: string[] = [];
  const status = await runPackedBatch(ctx, 'f', lines, async (words) => { ran.push(words.join(' ')); return 0; });
  t.equal(status, 0);
  t.same(calls, ['route.addMany 4096', 'route.addMany 904', 'addr.addMany 2', 'route.addMany 1'], 'adds go packed, at most 4096 per call');
  t.same(ran, ['link show'], 'other lines run one by one');
});
