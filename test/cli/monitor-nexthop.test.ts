// `nlkit monitor nexthop` against `ip monitor nexthop` (iproute2 6.1): both
// watch one namespace while ip makes the same changes; the text lines must be
// the same, with and without -d. `-j` (which ip 6.1 ignores under monitor) must
// print, per notification, the object `ip -j nexthop show` printed for it.
import { spawn } from 'node:child_process';
import t from 'tap';
import { runCli } from '../../src/cli/main.js';
import { ipJson, ip, requireRoot, testNetns } from '../helpers/netns.js';

const SETUP = [
  'link set lo up', 'link add v0 type veth peer name v1', 'link set v0 up', 'link set v1 up',
  'addr add 10.0.0.1/24 dev v0', 'addr add fd00::1/64 dev v0 nodad',
];

/** Changes that each make the kernel announce nexthops; ids 2 and 3 are the kernel's pick. */
const CHANGES = [
  'nexthop add id 1 via 10.0.0.2 dev v0', 'nexthop add via 10.0.0.3 dev v0 proto static', 'nexthop add id 0 blackhole',
  'nexthop add id 4 via fd00::2 dev v0', 'nexthop add id 5 via 192.168.9.1 dev v0 onlink', '-6 nexthop add id 6 dev v0',
  'nexthop add id 10 group 1/2,3', 'nexthop add id 11 group 1,5/2 type resilient buckets 8 idle_timer 60',
  'nexthop add id 20 via 172.16.1.2 fdb', 'nexthop add id 22 group 20 fdb',
  'nexthop replace id 1 via 10.0.0.9 dev v0', 'nexthop replace id 10 group 1,2/2', 'nexthop replace id 3 via 10.0.0.4 dev v0',
  'nexthop del id 10', 'nexthop del id 5', 'nexthop del id 22', 'nexthop flush',
];

type Json = Record<string, unknown>;

interface Watcher {
  name: string;
  text(): string;
  stop(): Promise<void>;
}

function ipMonitor(ns: string, options: string[]): Watcher {
  const child = spawn('ip', ['-n', ns, ...options, 'monitor', 'nexthop']);
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => void (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => void (out += `stderr: ${s}`));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name: `ip ${options.join(' ')} monitor nexthop`,
    text: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill();
      await exited;
    },
  };
}

function nlkitMonitor(ns: string, options: string[], objects: string[]): Watcher {
  let out = '';
  const abort = new AbortController();
  const running = runCli(['-n', ns, ...options, 'monitor', ...objects], {
    stdout: (s) => void (out += s),
    stderr: (s) => void (out += `stderr: ${s}`),
    signal: abort.signal,
  });
  return {
    name: `nlkit ${options.join(' ')} monitor ${objects.join(' ')}`,
    text: () => out,
    stop: async () => {
      abort.abort();
      const status = await running;
      if (status !== 0) out += `exit status ${status}\n`;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Until every watcher has subscribed a change may go unseen: add and delete a marker nexthop until each printed its removal. */
async function waitForSubscriptions(ns: string, watchers: Watcher[]): Promise<void> {
  const marked = (w: Watcher) => /Deleted id 999 |"deleted":true,"id":999,/.test(w.text());
  for (let i = 0; !watchers.every(marked); i++) {
    if (i > 100) throw new Error(`a monitor printed nothing: ${watchers.map((w) => `${w.name}: ${w.text()}`).join('\n')}`);
    ip(ns, 'nexthop', 'add', 'id', '999', 'blackhole');
    ip(ns, 'nexthop', 'del', 'id', '999');
    await sleep(100);
  }
}

/** What a watcher printed after the last marker line, as lines. */
function afterMarker(w: Watcher): string[] {
  const lines = w.text().split('\n');
  let last = -1;
  lines.forEach((line, i) => {
    if (line.includes('999')) last = i;
  });
  return lines.slice(last + 1).filter((line) => line !== '');
}

t.test('nlkit monitor nexthop prints what ip monitor nexthop prints', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'r2monnh') as [string];
  for (const line of SETUP) ip(ns, ...line.split(' '));
  // Loaded ahead, so the command subscribes at once rather than after compiling its modules.
  await import('../../src/cli/commands/monitor.js');
  const ipPlain = ipMonitor(ns, []);
  const ipDetails = ipMonitor(ns, ['-d']);
  const mine = nlkitMonitor(ns, [], ['nexthop']);
  const mineDetails = nlkitMonitor(ns, ['-d'], ['nex']);
  const mineJson = nlkitMonitor(ns, ['-j'], ['nexthop']);
  const mineAll = nlkitMonitor(ns, [], []);
  const watchers = [ipPlain, ipDetails, mine, mineDetails, mineJson, mineAll];
  t.teardown(async () => {
    for (const w of watchers) await w.stop();
  });
  await waitForSubscriptions(ns, watchers);

  // What `ip -j nexthop show` lists after each change, to check the JSON lines against.
  const seen = new Map<number, Json[]>();
  const remember = () => {
    for (const n of ipJson<Json[]>(ns, 'nexthop', 'show')) {
      const versions = seen.get(n.id as number) ?? [];
      versions.push(n);
      seen.set(n.id as number, versions);
    }
  };
  remember();
  for (const change of CHANGES) {
    ip(ns, ...change.split(' '));
    remember();
  }
  // The flush ends with id 1's removal (members last): wait for every watcher to print it.
  const done = (w: Watcher) => /Deleted id 1 |"deleted":true,"id":1,/.test(w.text());
  for (let i = 0; i < 100 && !watchers.every(done); i++) await sleep(50);
  for (const w of watchers) await w.stop();

  const expected = afterMarker(ipPlain);
  t.ok(expected.length >= CHANGES.length, `ip printed a line per change at least (${expected.length})`);
  t.strictSame(afterMarker(mine), expected, 'text: the same lines as ip monitor nexthop');
  t.strictSame(afterMarker(mineDetails), afterMarker(ipDetails), 'text with -d: the same lines as ip -d monitor nexthop');
  t.strictSame(afterMarker(mineAll).filter((l) => /^(Deleted )?id \d+ /.test(l)), expected, 'monitor without objects (all) prints the nexthop lines too');

  const json = afterMarker(mineJson).map((line) => JSON.parse(line) as Json);
  t.strictSame(json.map((o) => `${o.deleted ? 'Deleted ' : ''}${o.id}`), expected.map((l) => /^(Deleted )?id (\d+)/.exec(l)!.slice(1).join('')),
    '-j: one object per line ip printed, in the same order');
  for (const o of json) {
    const { deleted, ...object } = o;
    if (deleted !== undefined) t.equal(Object.keys(o)[0], 'deleted', `a removal starts with "deleted" (id ${o.id})`);
    // Key order included, as ip prints them.
    t.ok(seen.get(o.id as number)?.some((n) => JSON.stringify(n) === JSON.stringify(object)),
      `-j: ${JSON.stringify(o)} is what ip -j nexthop show listed for id ${o.id}`);
  }
});
