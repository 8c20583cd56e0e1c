// Device words `ifN` (iproute2's ll_name_to_index): when no link has the name,
// ip reads it with sscanf("if%u") as ifindex N, whether or not a link has that
// index. The reading itself is checked against glibc's sscanf; the commands
// run through ip in one namespace and nlkit in its twin (same links, same
// indexes), with the same status, standard error, standard output and the
// namespaces alike after each.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { spelledIndex } from '../../src/cli/commands/device-index.js';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskAddressJson, maskLinkJson, maskNeighbourJson, maskRouteJson } from '../helpers/volatile.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

const WORDS = [
  'if7', 'if7x', 'if 7', 'if\t+7', 'if\n12', 'if+0', 'if0', 'if-1', 'if-2', 'if2147483647', 'if2147483648', 'if4294967295',
  'if4294967296', 'if4294967297', 'if18446744073709551615', 'if18446744073709551616', 'if-18446744073709551615',
  'if-4294967295', 'if007', 'if0x10', 'if', 'if-', 'if+', 'ifx', 'xif7', 'IF7', ' if7', 'if 3 ', 'if1e3', 'if٣',
];

/** glibc's own answer: sscanf(word, "if%u") through ctypes (0 when it converts nothing, as ll_idx_a2n returns). */
function glibcIndexes(words: readonly string[]): number[] {
  const script = [
    'import ctypes, json, sys',
    'libc = ctypes.CDLL("libc.so.6")',
    'out = []',
    'for w in json.load(sys.stdin):',
    '    v = ctypes.c_uint(0)',
    '    n = libc.sscanf(w.encode(), b"if%u", ctypes.byref(v))',
    '    out.append(v.value if n == 1 else 0)',
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(words), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 ctypes sscanf failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as number[];
}

t.test('spelledIndex reads "if%u" as glibc sscanf does', async (t) => {
  const theirs = glibcIndexes(WORDS);
  t.same(WORDS.map(spelledIndex), theirs, WORDS.map((w, i) => `${JSON.stringify(w)}=${theirs[i]}`).join(' '));
  t.equal(spelledIndex('if-1'), 4294967295, 'a minus wraps modulo 2^64, then 32 bits are kept');
  t.equal(spelledIndex('if4294967296'), 0, '2^32 keeps no bit: no index');
});

/** Links made alike in both namespaces: lo 1, p1 2, v1 3, br0 4, if9 5 (named if9, index 5). */
const SETUP = [
  'link add v1 address 02:00:00:00:01:01 type veth peer name p1 address 02:00:00:00:01:02',
  'link add br0 address 02:00:00:00:02:01 type bridge',
  'link add if9 address 02:00:00:00:03:01 type ifb',
  'addr add 10.1.0.1/24 dev v1',
];

/** Existing and missing indexes, 0, out of range, the link named if9, across every command that reads a device with ll_name_to_index. */
const STEPS: readonly string[][] = [
  ['link', 'set', 'if99', 'up'], ['link', 'set', 'dev', 'if4', 'mtu', '1400'], ['link', 'set', 'if0', 'up'],
  ['link', 'set', 'if4294967296', 'up'], ['link', 'set', 'if3x', 'mtu', '1280'], ['link', 'set', 'if+3', 'mtu', '1300'],
  ['link', 'set', 'if9', 'mtu', '1300'], ['link', 'set', 'if2', 'name', 'renamed'], ['link', 'set', 'renamed', 'name', 'p1'],
  ['link', 'set', 'if 3', 'up'], ['link', 'set', 'if2', 'address', '02:00:00:00:01:09'], ['link', 'set', 'if99', 'address', '02:00:00:00:01:09'],
  ['link', 'show', 'if99'], ['link', 'show', 'dev', 'if2'], ['-j', 'link', 'show', 'if99'], ['link', 'show', 'if2', 'group', '0'],
  ['link', 'show', 'if99', 'group', '0'], ['link', 'show', 'if-1'], ['link', 'show', 'if9'],
  ['addr', 'show', 'dev', 'if99'], ['-j', '-p', 'addr', 'show', 'dev', 'if99'], ['addr', 'show', 'dev', 'if2'], ['addr', 'show', 'if0'],
  ['addr', 'show', 'if4294967295'], ['-br', 'addr', 'show', 'if3'],
  ['addr', 'add', '10.9.0.1/24', 'dev', 'if99'], ['addr', 'add', '10.9.0.1/24', 'dev', 'if2'], ['addr', 'add', '10.9.0.2/24', 'dev', 'if0'],
  ['addr', 'del', '10.9.0.1/24', 'dev', 'if2'], ['addr', 'flush', 'dev', 'if99'], ['addr', 'flush', 'dev', 'if0'],
  ['addr', 'add', '10.9.0.3/24', 'dev', 'if2'], ['addr', 'flush', 'dev', 'if2'],
  ['link', 'set', 'v1', 'master', 'if99'], ['link', 'set', 'v1', 'master', 'if4'], ['addr', 'show', 'master', 'if4'],
  ['link', 'show', 'master', 'if99'], ['link', 'show', 'master', 'if4'], ['link', 'set', 'v1', 'nomaster'],
  ['link', 'add', 'm1', 'link', 'if99', 'type', 'macvlan'], ['link', 'add', 'm1', 'address', '02:00:00:00:04:01', 'link', 'if2', 'type', 'macvlan', 'mode', 'bridge'],
  ['link', 'add', 'x1', 'type', 'vxlan', 'id', '5', 'dev', 'if99', 'dstport', '4789'],
  ['link', 'add', 'x1', 'address', '02:00:00:00:05:01', 'type', 'vxlan', 'id', '5', 'dev', 'if3', 'dstport', '4789'],
  ['route', 'add', '10.8.0.0/24', 'dev', 'if99'], ['route', 'add', '10.8.0.0/24', 'dev', 'if3'], ['route', 'add', '10.8.1.0/24', 'dev', 'if0'],
  ['route', 'show', 'dev', 'if3'], ['route', 'show', 'dev', 'if99'], ['-j', 'route', 'show', 'dev', 'if99'], ['route', 'show', 'dev', 'if0'],
  ['route', 'show', 'dev', 'if2147483648'], ['route', 'show', 'iif', 'if99'], ['route', 'flush', 'dev', 'if99'],
  ['route', 'get', '10.1.0.5', 'oif', 'if99'], ['route', 'get', '10.1.0.5', 'oif', 'if3'], ['route', 'get', '10.1.0.5', 'iif', 'if0'],
  ['route', 'get', 'oif', 'if99'], ['route', 'get', '10.1.0.5', 'oif', 'if 3'], ['route', 'del', '10.8.0.0/24', 'dev', 'if3'],
  ['neigh', 'add', '10.1.0.9', 'lladdr', '02:00:00:00:00:01', 'dev', 'if99'], ['neigh', 'add', '10.1.0.9', 'lladdr', '02:00:00:00:00:01', 'dev', 'if3'],
  ['neigh', 'show', 'dev', 'if3'], ['neigh', 'show', 'dev', 'if99'], ['neigh', 'show', 'dev', 'if0'], ['neigh', 'get', '10.1.0.9', 'dev', 'if3'],
  ['neigh', 'get', '10.1.0.9', 'dev', 'if99'], ['neigh', 'del', '10.1.0.9', 'dev', 'if3'],
  ['link', 'del', 'if99'], ['link', 'del', 'if6'], ['link', 'del', 'if9'], ['link', 'del', 'if7'],
];

/** Entries the kernel adds on its own when a link comes up (multicast neighbours), in the hash order of each namespace. */
function neighbours(ns: string): unknown {
  const list = maskNeighbourJson(JSON.parse(ipOut('-n', ns, '-j', 'neigh', 'show', 'nud', 'all'))) as { dst: string; dev?: string; lladdr?: string }[];
  return list.filter((n) => !/^(01:00:5e|33:33):/.test(n.lladdr ?? '')).sort((x, y) => `${x.dev} ${x.dst}`.localeCompare(`${y.dev} ${y.dst}`));
}

function state(ns: string): unknown {
  const json = (...args: string[]): unknown => JSON.parse(ipOut('-n', ns, '-j', ...args));
  const links = (maskLinkJson(json('-d', 'link', 'show')) as Record<string, unknown>[]).map(({ operstate: _o, flags, ...l }) => ({
    ...l, flags: (flags as string[]).filter((f) => f !== 'LOWER_UP' && f !== 'NO-CARRIER'),
  }));
  return { links, addresses: maskAddressJson(json('addr', 'show')), routes: maskRouteJson(json('route', 'show', 'table', 'all')), neighbours: neighbours(ns) };
}

t.test('ifN device words: nlkit answers and changes as ip does', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'r3ifn') as [string, string];
  for (const ns of [a, b]) {
    spawnSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0']);
    for (const line of SETUP) ipOut('-n', ns, ...line.split(' '));
  }
  t.same(state(b), state(a), 'twins alike before the steps');
  for (const step of STEPS) {
    const theirs = ipRun(['-n', a, ...step]);
    const mine = await nlkit(['-n', b, ...step]);
    const name = step.map((w) => (/\s/.test(w) ? JSON.stringify(w) : w)).join(' ');
    t.same(mine, theirs, `ip ${name}`);
    t.same(state(b), state(a), `same namespace after ${name}`);
  }
  // The steps reached links through indexes: br0 (4) took its new mtu, the link named if9 its own.
  t.match(ipOut('-n', b, 'link', 'show', 'br0'), /mtu 1400/, 'if4 reached br0');
  t.notOk(ipOut('-n', b, 'link', 'show').includes('if9'), 'if9 deleted by its name');
});

/**
 * An index past 2^31-1 is negative to the kernel; ip sends it and prints the
 * kernel's refusal, which differs per request. The library sends no such
 * index, so nlkit reports the word as a missing device (docs/cli.md) and
 * changes nothing.
 */
t.test('ifN past the kernel\'s int range: refused, nothing changed', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'r3ifn') as [string];
  for (const line of SETUP) ipOut('-n', ns, ...line.split(' '));
  const before = state(ns);
  for (const step of [['link', 'set', 'if-1', 'up'], ['addr', 'add', '10.9.0.2/24', 'dev', 'if4294967295'], ['route', 'add', '10.7.0.0/24', 'dev', 'if2147483648']]) {
    const mine = await nlkit(['-n', ns, ...step]);
    t.same([mine.status, mine.stderr], [1, `Cannot find device "${step.at(-1) === 'up' ? step[2] : step.at(-1)}"\n`], step.join(' '));
  }
  t.same(state(ns), before, 'nothing changed');
});
