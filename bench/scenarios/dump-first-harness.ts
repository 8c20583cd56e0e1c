// Offline harness for first-call dump cost (issue 10): builds three
// namespaces (addresses, routes, links), then runs dump-first.ts in a fresh
// process per measurement and prints first and second dump, wall and CPU.
// Not part of the suite: run by hand while profiling, e.g.
//   node --import=tsx bench/scenarios/dump-first-harness.ts --runs 5 [--only addresses] [-- --cpu-prof ...]
// Node flags after `--` go to each child. `--trees A,B` runs
// A/bench/scenarios/dump-first.ts and B's alike, interleaved, to compare
// two checkouts (copy this dump-first.ts into both). Namespaces are nlkt-h-* and are
// removed on exit, also on failure or Ctrl-C.
import { execFileSync } from 'node:child_process';
import { ipBatch } from '../harness/tools.js';
import { addRoutingLinks, routeDestination } from './routes.js';

const args = process.argv.slice(2);
const dashes = args.indexOf('--');
const nodeFlags = dashes >= 0 ? args.slice(dashes + 1) : [];
const own = dashes >= 0 ? args.slice(0, dashes) : args;
const option = (name: string, fallback: string) => {
  const at = own.indexOf(name);
  return at >= 0 ? own[at + 1]! : fallback;
};
const runs = Number(option('--runs', '5'));
const only = option('--only', 'addresses,routes,links').split(',');
const sizes = { addresses: Number(option('--addresses', '5000')), routes: Number(option('--routes', '20000')), vethPairs: Number(option('--veth', '1000')) };

const tag = `${process.pid}`;
const namespaces = { addresses: `nlkt-h-a${tag}`, routes: `nlkt-h-r${tag}`, links: `nlkt-h-l${tag}` };

function removeNamespaces(): void {
  for (const ns of Object.values(namespaces)) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // Not created (or already gone).
    }
  }
}
process.on('exit', removeNamespaces);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

function create(key: keyof typeof namespaces): void {
  const ns = namespaces[key];
  execFileSync('ip', ['netns', 'add', ns]);
  if (key === 'addresses') {
    ipBatch(['link add da0 type veth peer name da1', ...Array.from({ length: sizes.addresses }, (_, i) => `addr add 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32 dev da0`)], ns);
  } else if (key === 'routes') {
    addRoutingLinks(ns);
    ipBatch(Array.from({ length: sizes.routes }, (_, i) => `route add ${routeDestination(i)}/32 via 10.9.0.2`), ns);
  } else {
    ipBatch(Array.from({ length: sizes.vethPairs }, (_, i) => `link add dl${i} type veth peer name dr${i}`), ns);
  }
}

interface Timing { objects: number; ms: number; cpuMs: number }
const here = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const trees = option('--trees', here).split(',');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (objects: number, ms: number) => `${(objects / ms / 1000).toFixed(3)}M/s`;

for (const key of only as (keyof typeof namespaces)[]) create(key);
const load = () => (execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ')[0]);
const results: Record<string, { first: Timing[]; second: Timing[] }> = {};
for (let run = 0; run < runs; run++) {
  // Interleaved: one run of each dump per round, so load drifts hit all alike.
  for (const key of only) {
    for (const tree of trees) {
      const script = `${tree}/bench/scenarios/dump-first.ts`;
      const out = execFileSync(process.execPath, [...nodeFlags, '--import', 'tsx', script, key, namespaces[key as keyof typeof namespaces]], { encoding: 'utf8', cwd: tree });
      const { second, ...first } = JSON.parse(out.slice(out.lastIndexOf('{"objects"', out.lastIndexOf('"second"')))) as Timing & { second: Timing };
      const row = trees.length > 1 ? `${key}@${tree}` : key;
      (results[row] ??= { first: [], second: [] }).first.push(first);
      results[row]!.second.push(second);
    }
  }
}
for (const [key, { first, second }] of Object.entries(results)) {
  const n = first[0]!.objects;
  const f = { ms: median(first.map((t) => t.ms)), cpu: median(first.map((t) => t.cpuMs)) };
  const s = { ms: median(second.map((t) => t.ms)), cpu: median(second.map((t) => t.cpuMs)) };
  console.log(`${key.padEnd(trees.length > 1 ? 28 : 9)} n=${n} first: wall ${f.ms.toFixed(1)}ms cpu ${f.cpu.toFixed(1)}ms (${rate(n, f.cpu)} cpu, ${rate(n, f.ms)} wall)  second: wall ${s.ms.toFixed(1)}ms cpu ${s.cpu.toFixed(1)}ms (${rate(n, s.cpu)} cpu)  firsts cpu [${first.map((t) => t.cpuMs.toFixed(0)).join(' ')}]`);
}
console.log(`load ${load()} (median of ${runs} runs)`);
