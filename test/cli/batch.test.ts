// `nlkit -batch` against `ip -batch`: the same file in two namespaces built
// alike must end in the same state, with the same messages and status —
// also when a line fails, with and without -force (nlkit packs runs of
// `route add|del` / `addr add|del` lines into few sends and must still stop
// where ip stops: adds applied after the failure are deleted again, deletes
// restored from the dump taken before the run).
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskAddressJson, maskRouteJson } from '../helpers/volatile.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

function prepare(ns: string): void {
  ipOut('-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1');
  ipOut('-n', ns, 'link', 'set', 'v0', 'up');
  ipOut('-n', ns, 'link', 'set', 'v1', 'up');
}

const CARRIER_FLAGS = new Set(['NO-CARRIER', 'LOWER_UP', 'M-DOWN']);

const byText = (x: unknown, y: unknown) => {
  const [p, q] = [JSON.stringify(x), JSON.stringify(y)];
  return p < q ? -1 : p > q ? 1 : 0;
};

/**
 * The namespace as ip prints it. With `restored`, a link's addresses and the
 * routes are compared as sets: what nlkit restores after a failed packed
 * delete is created anew, and the kernel lists a new address, and a route
 * among others of the same prefix, after the ones already there (see
 * docs/cli.md).
 */
function state(ns: string, restored = false): unknown {
  const addresses = maskAddressJson(JSON.parse(ipOut('-n', ns, '-j', '-4', 'addr', 'show'))) as { addr_info: unknown[] }[];
  const routes = maskRouteJson(JSON.parse(ipOut('-n', ns, '-j', '-4', 'route', 'show', 'table', 'all'))) as unknown[];
  if (restored) {
    for (const link of addresses) link.addr_info.sort(byText);
    routes.sort(byText);
  }
  return {
    routes,
    addresses,
    // Carrier follows the peer through linkwatch, up to a second after the batch: not the batch's doing.
    links: JSON.parse(ipOut('-n', ns, '-j', 'link', 'show')).map((l: { ifname: string; mtu: number; flags: string[] }) => [l.ifname, l.mtu, l.flags.filter((f) => !CARRIER_FLAGS.has(f))]),
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

/** Runs `text` with ip in one namespace and with nlkit in its twin; both start from prepare(). */
async function twinRun(t: Test, name: string, text: string, force: boolean, restored = false): Promise<void> {
  const [a, b] = testNetns(t, 2, 'clibatch');
  prepare(a!);
  prepare(b!);
  const file = join(tmpdir(), `nlkit-batch-${process.pid}-${name.replace(/\W/g, '')}`);
  writeFileSync(file, text);
  t.teardown(() => rmSync(file, { force: true }));
  const opts = force ? ['-force'] : [];
  const ip = ipRun(['-n', a!, ...opts, '-batch', file]);
  const mine = await nlkit(['-n', b!, ...opts, '-batch', file]);
  t.equal(mine.status, ip.status, 'exit status');
  t.equal(mine.stderr, ip.stderr, 'messages');
  t.equal(mine.stdout, ip.stdout, 'output');
  t.same(state(b!, restored), state(a!, restored), 'the namespaces end alike');
}

const routeLine = (i: number, metric = i % 3) => `10.${(i >> 8) + 100}.${i & 255}.0/24 via 10.0.0.2 metric ${metric}`;

/** Routes added, then deleted in another order, with a delete of a route that is not there after `badAt` deletes. */
function routeDeleteFile(routes: number, badAt?: number): string {
  const lines = ['addr add 10.0.0.1/24 dev v0'];
  for (let i = 0; i < routes; i++) lines.push(`route add ${routeLine(i)}`);
  for (let k = 0; k < routes; k++) {
    const i = (k * 7919) % routes;
    // Abbreviations as ip takes them: `r d`, `ro del`, `route delete`.
    lines.push(`${['r d', 'ro del', 'route delete'][k % 3]} ${routeLine(i)}`);
    if (k === badAt) lines.push('route del 10.250.0.0/24 via 10.0.0.2');
  }
  lines.push('link set v1 mtu 1300');
  return lines.join('\n') + '\n';
}

/** Addresses added, then deleted; `bad` is put in the middle of the deletes. */
function addressDeleteFile(count: number, bad?: string): string {
  const address = (i: number) => `10.${20 + (i >> 8)}.${i & 255}.1/32`;
  const lines = ['addr add 10.0.0.1/24 dev v0', 'addr add 10.0.0.2/24 dev v0', 'addr add 10.0.0.3/24 dev v1'];
  for (let i = 0; i < count; i++) lines.push(`addr add ${address(i)} dev ${i % 2 ? 'v1' : 'v0'}`);
  for (let i = 0; i < count; i++) {
    lines.push(`${i % 2 ? 'a d' : 'address delete'} ${address(i)} dev ${i % 2 ? 'v1' : 'v0'}`);
    if (bad !== undefined && i === count >> 1) lines.push(bad);
  }
  // The primary takes its secondary 10.0.0.2 with it: a restore must bring both back.
  lines.push('addr del 10.0.0.1/24 dev v0', 'addr del 10.0.0.3/24 dev v1', 'link set v0 mtu 1280');
  return lines.join('\n') + '\n';
}

/** Adds and deletes of both kinds interleaved with other commands, runs of one line among them. */
function mixedFile(): string {
  const lines = ['addr add 10.0.0.1/24 dev v0', 'route add 10.1.0.0/16 via 10.0.0.2', 'route del 10.1.0.0/16', 'addr add 10.0.9.1/24 dev v1'];
  for (let i = 0; i < 300; i++) lines.push(`route add ${routeLine(i, 0)}`);
  lines.push('link set v1 down');
  for (let i = 0; i < 300; i += 2) lines.push(`route del ${routeLine(i, 0)}`);
  lines.push('a del 10.0.9.1/24 dev v1', 'link set v1 up', 'route add 10.1.0.0/16 via 10.0.0.2 proto static');
  for (let i = 1; i < 300; i += 2) lines.push(`r delete ${routeLine(i, 0)}`);
  lines.push('route del 10.1.0.0/16 proto static', 'route add 10.2.0.0/16 dev v0 scope link', 'addr add 10.0.0.7/24 dev v0');
  return lines.join('\n') + '\n';
}

t.test('-batch: same state, messages and status as ip -batch', async (t) => {
  if (!requireRoot(t)) return;
  // The fourth field: nlkit restores deleted objects there (a failed packed delete without -force).
  const cases: [string, string, boolean, boolean?][] = [
    ['clean', batchFile(3000), false],
    ['fails mid-run', batchFile(3000, 1500), false],
    ['fails mid-run, -force', batchFile(3000, 1500), true],
    ['route deletes', routeDeleteFile(2000), false],
    // In the second chunk of 1024 lines: the restore brings back the first chunk's deletes too.
    ['route deletes, one fails', routeDeleteFile(2000, 1500), false],
    ['route deletes, one fails, -force', routeDeleteFile(2000, 1000), true],
    ['address deletes', addressDeleteFile(400), false],
    ['address deletes, one fails', addressDeleteFile(400, 'addr del 10.99.0.1/32 dev v0'), false, true],
    ['address deletes, one fails, -force', addressDeleteFile(400, 'addr del 10.99.0.1/32 dev v0'), true],
    ['address deletes, a device that does not exist', addressDeleteFile(400, 'addr del 10.20.0.1/32 dev nosuch'), false],
    ['mixed', mixedFile(), false],
    ['mixed, a delete fails at the end', mixedFile() + 'route del 10.1.0.0/16\n', false],
    // Backslash-newline continues a line; a failure names the command's last line, as ip counts.
    ['continued lines', 'addr add 10.0.0.1/24 \\\ndev v0\nroute add 10.9.0.0/16 \\\n  via 10.0.0.2 \\\n  metric 5\nroute add 10.9.0.0/16 \\\nvia 10.0.0.2 metric 5\nlink set v1 mtu 1300\n', false],
    ['continued lines, packed runs', 'addr add 10.0.0.1/24 dev v0\n' + Array.from({ length: 40 }, (_, i) => `route add ${routeLine(i % 30)} \\\n proto static`).join('\n') + '\nlink set v1 mtu 1300\n', false],
    // A backslash inside a comment continues nothing; a file that ends after a continuation drops that command.
    ['a backslash in a comment', 'link set v1 mtu 1300 # no \\\nlink set v0 mtu 1280\n', false],
    ['missing continuation line', 'link set v1 mtu 1300\nlink set v0 \\\n', false],
    // Where ip exits on a line's words (duparg2, an incomplete command, get_prefix), the batch ends there, -force or not.
    ['a garbage word ends the batch, -force', 'link set v1 mtu 1300\naddr add 10.0.0.1/32 o dev v0\nlink set v0 mtu 1280\n', true],
    ['an incomplete command ends the batch, -force', 'route add 10.9.0.0/16 via\nlink set v0 mtu 1280\n', true],
    ['a bad prefix ends the batch, -force', 'addr add 10.0.0.300/32 dev v0\nlink set v0 mtu 1280\n', true],
    ['a bad prefix in a packed run ends the batch', 'addr add 10.0.0.1/24 dev v0\naddr add 10.0.0.2/24 dev v0\naddr add 10.0.0.3/33 dev v0\naddr add 10.0.0.4/24 dev v0\n', false],
  ];
  for (const [name, text, force, restored] of cases) await t.test(name, (t) => twinRun(t, name, text, force, restored));
  await t.test('-batch - reads standard input', async (t) => {
    const [a] = testNetns(t, 1, 'clibatch');
    prepare(a!);
    const mine = await nlkit(['-n', a!, '-batch', '-'], 'addr add 10.0.0.1/24 dev v0\nroute add 10.9.0.0/16 via 10.0.0.2\n');
    t.equal(mine.status, 0);
    t.match(ipOut('-n', a!, 'route', 'show'), /10\.9\.0\.0\/16 via 10\.0\.0\.2 dev v0/);
  });
});

t.test('-batch lines may name their namespace with -n (an nlkit extension)', async (t) => {
  if (!requireRoot(t)) return;
  const [host, podA, podB, ipHost, ipPodA, ipPodB] = testNetns(t, 6, 'clibatch');
  // The same pod wiring: ip needs one process per namespace, nlkit takes one file.
  const podLines = (pod: string, address: string) => [
    'link set lo up', `addr add ${address} dev eth0`, 'link set eth0 up', 'route add default via 10.44.0.1',
  ].map((line) => [pod, line] as const);
  const hostLines = (a: string, b: string) => [
    'link add br0 type bridge', 'addr add 10.44.0.1/16 dev br0', 'link set br0 up',
    `link add ha master br0 up type veth peer name eth0 netns ${a}`,
    `link add hb master br0 up type veth peer name eth0 netns ${b}`,
  ];
  const file = join(tmpdir(), `nlkit-batch-${process.pid}-netns-lines`);
  writeFileSync(file, [
    ...hostLines(podA!, podB!).map((line) => `-n ${host} ${line}`),
    ...[...podLines(podA!, '10.44.0.2/16'), ...podLines(podB!, '10.44.0.3/16')].map(([pod, line]) => `-n ${pod} ${line}`),
  ].join('\n') + '\n');
  t.teardown(() => rmSync(file, { force: true }));
  const mine = await nlkit(['-batch', file]);
  t.same(mine, { status: 0, stdout: '', stderr: '' });
  t.equal(ipRun(['-n', ipHost!, '-batch', '-'], hostLines(ipPodA!, ipPodB!).join('\n') + '\n').status, 0);
  for (const [pod, address] of [[ipPodA!, '10.44.0.2/16'], [ipPodB!, '10.44.0.3/16']] as const) {
    t.equal(ipRun(['-n', pod, '-batch', '-'], podLines(pod, address).map(([, line]) => line).join('\n') + '\n').status, 0);
  }
  // A bridge's operstate follows its ports' carrier a moment later (UNKNOWN, then UP): not what either tool set.
  const settled = (links: { operstate?: string }[]) => links.map(({ operstate: _, ...rest }) => rest);
  const view = (ns: string) => {
    const { addresses, ...rest } = state(ns) as { addresses: { operstate?: string }[] };
    return {
      links: JSON.parse(ipOut('-n', ns, '-j', 'link', 'show')).map((l: { ifname: string; flags: string[]; master?: string }) => [l.ifname, l.flags, l.master]),
      addresses: settled(addresses),
      ...rest,
    };
  };
  t.same(view(host!), view(ipHost!), 'the host namespaces end alike');
  t.same(view(podA!), view(ipPodA!), 'the first pods end alike');
  t.same(view(podB!), view(ipPodB!), 'the second pods end alike');
  const ping = ipRun(['-n', podA!, 'route', 'get', '10.44.0.3']);
  t.match(ping.stdout, /dev eth0/, 'a pod reaches its neighbour through the bridge');
});

t.test('-batch: `netns del` lets go of the batch\'s socket in that namespace', async (t) => {
  if (!requireRoot(t)) return;
  const { runPackedBatch } = await import('../../src/cli/batch-packing.js');
  const { BatchReader } = await import('../../src/cli/batch.js');
  const { CliContext, defaultOptions } = await import('../../src/cli/context.js');
  const { runCommand } = await import('../../src/cli/main.js');
  const [host] = testNetns(t, 1, 'clibatch');
  const pod = `${host}-pod`;
  t.teardown(() => void ipRun(['netns', 'del', pod]));
  let stderr = '';
  const ctx = new CliContext(defaultOptions(), { stdout: () => {}, stderr: (text) => void (stderr += text) });
  t.teardown(() => ctx.close());
  await ctx.load();
  const lines = new BatchReader([
    `netns add ${pod}`, `-n ${host} link add h0 type veth peer name eth0 netns ${pod}`,
    `-n ${pod} link set lo up`, `-n ${pod} addr add 10.45.0.2/24 dev eth0`, `netns del ${pod}`,
  ].join('\n'));
  t.equal(await runPackedBatch(ctx, 'f', lines, runCommand), 0);
  t.equal(stderr, '');
  // The batch's context is still open: only if it let go of its socket in the pod does the kernel
  // remove the pod's devices, and the peer takes the host end along.
  let left = ipOut('-n', host!, '-o', 'link', 'show');
  for (let i = 0; i < 500 && /h0@/.test(left); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    left = ipOut('-n', host!, '-o', 'link', 'show');
  }
  t.notMatch(left, /h0@/, 'the host end went with the namespace');
});

t.test('-batch packs runs of route and address adds into addMany calls', async (t) => {
  const { runPackedBatch } = await import('../../src/cli/batch-packing.js');
  const { BatchReader } = await import('../../src/cli/batch.js');
  const { CliContext, defaultOptions } = await import('../../src/cli/context.js');
  const calls: string[] = [];
  const ctx = new CliContext(defaultOptions(), { stdout: () => {}, stderr: () => {} });
  const service = (name: string) => ({
    addMany: (specs: readonly unknown[]) => void calls.push(`${name}.addMany ${specs.length}`),
    deleteMany: (specs: readonly unknown[]) => void calls.push(`${name}.deleteMany ${specs.length}`),
  });
  const servicesOf = () => ({ route: service('route'), addr: service('addr'), socket: undefined as never });
  const lines = [
    ...Array.from({ length: 5000 }, (_, i) => `route add 10.${i >> 8}.${i & 255}.0/24 via 10.255.0.1`),
    'addr add 10.0.0.1/24 dev v0', 'a add 10.0.0.2/24 dev v0',
    'link show',
    'r add 10.255.1.0/24 dev v0',
  ];
  const ran: string[] = [];
  const status = await runPackedBatch(ctx, 'f', new BatchReader(lines.join('\n')), async (_ctx, words) => { ran.push(words.join(' ')); return 0; }, servicesOf);
  t.equal(status, 0);
  t.same(calls, [...Array(4).fill('route.addMany 1024'), 'route.addMany 904', 'addr.addMany 2'], 'runs of adds go packed, 1024 lines per call');
  t.same(ran, ['link show', 'r add 10.255.1.0/24 dev v0'], 'other lines, and runs of one line, run one by one');
});

t.test('-batch packs runs of deletes, and runs per namespace', async (t) => {
  const { runPackedBatch } = await import('../../src/cli/batch-packing.js');
  const { BatchReader } = await import('../../src/cli/batch.js');
  const { CliContext, defaultOptions } = await import('../../src/cli/context.js');
  const calls: string[] = [];
  // -force: no dump is taken before a run of deletes (nothing is undone), so no socket is needed.
  const ctx = new CliContext({ ...defaultOptions(), force: true }, { stdout: () => {}, stderr: () => {} });
  // Stand-ins for each namespace's services, told apart by the line's context.
  const servicesOf = (c: InstanceType<typeof CliContext>) => {
    const netns = c.options.netns ?? '-';
    const service = (name: string) => ({
      addMany: (specs: readonly unknown[]) => void calls.push(`${netns} ${name}.addMany ${specs.length}`),
      deleteMany: (specs: readonly unknown[]) => void calls.push(`${netns} ${name}.deleteMany ${specs.length}`),
    });
    return { route: service('route'), addr: service('addr'), socket: undefined as never };
  };
  const lines = new BatchReader([
    'route del 10.0.0.0/24', 'r d 10.0.1.0/24', 'ro delete 10.0.2.0/24',
    'a d 10.0.0.1/24 dev v0', 'address del 10.0.0.2/24 dev v0',
    '-n p1 route add 10.1.0.0/24 dev eth0', '-n p1 route add 10.1.1.0/24 dev eth0',
    '-n p2 route add 10.1.0.0/24 dev eth0', '-n p2 route add 10.1.1.0/24 dev eth0',
    'route add 10.1.0.0/24 dev eth0', 'route add 10.1.1.0/24 dev eth0',
    'route del 10.1.0.0/24 garbage words', 'route show',
  ].join('\n'));
  const ran: string[] = [];
  const status = await runPackedBatch(ctx, 'f', lines, async (_ctx, words) => { ran.push(words.join(' ')); return 0; }, servicesOf);
  t.equal(status, 0);
  t.same(calls, [
    '- route.deleteMany 3', '- addr.deleteMany 2', 'p1 route.addMany 2', 'p2 route.addMany 2', '- route.addMany 2',
  ], 'deletes are packed like adds; a run ends where the namespace changes');
  t.same(ran, ['route del 10.1.0.0/24 garbage words', 'route show'], 'a line that does not parse runs the ordinary way');
});

t.test('the bundled command (scripts/build-cli.mjs) runs a batch file as ip does', async (t) => {
  if (!requireRoot(t)) return;
  const root = new URL('../../', import.meta.url).pathname;
  // A place of its own, where the bundle finds koffi and debug as an installed package does.
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-bundle-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  execFileSync(process.execPath, [join(root, 'scripts', 'build-cli.mjs'), '--outdir', join(dir, 'cli')], { stdio: 'pipe' });
  // As bin/nlkit runs it: through tsc's bundle runner, with the code cache the build wrote.
  const runner = join(root, 'dist', 'cli', 'bundle-runner.cjs');
  writeFileSync(join(dir, 'run.cjs'), `require(${JSON.stringify(runner)}).runBundle(${JSON.stringify(join(dir, 'cli'))});\n`);
  const run = (args: string[]) => spawnSync(process.execPath, [join(dir, 'run.cjs'), ...args], { encoding: 'utf8' });
  t.match(run(['-V']).stdout, /^nlkit, ip-compatible/, '-V');
  const { bundleCacheAccepted } = createRequire(import.meta.url)(runner) as { bundleCacheAccepted(dir: string): boolean };
  t.ok(bundleCacheAccepted(join(dir, 'cli')), 'V8 takes the code cache the build wrote for the bundle');

  const [a, b] = testNetns(t, 2, 'clibundle');
  prepare(a!);
  prepare(b!);
  const file = join(dir, 'batch');
  writeFileSync(file, batchFile(1500, 700));
  const ip = ipRun(['-n', a!, '-batch', file]);
  const mine = run(['-n', b!, '-batch', file]);
  t.equal(mine.status, ip.status, 'exit status');
  t.equal(mine.stderr, ip.stderr, 'messages');
  t.same(state(b!), state(a!), 'the namespaces end alike');
});
