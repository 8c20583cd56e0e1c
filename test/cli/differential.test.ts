// Random command sequences (test/helpers/random-commands.ts) run through
// `ip -n A` and through nlkit in-process on namespace B, prepared alike: each
// command must end with the same status, standard error and standard output
// (what moves on its own masked), and after each command that may change
// something both namespaces must read alike through `ip -j -d`. A difference
// fails the test with the seed, the command's index and the commands so far,
// which replay it.
import { execFileSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import t, { type Test } from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { randomCommands } from '../helpers/random-commands.js';
import { maskAddressJson, maskLinkJson, maskNeighbourJson, maskRouteJson } from '../helpers/volatile.js';
import { ipOut, ipRun, nlkit, type CliRun } from './helpers.js';

/** Seeds and commands per seed: what fits in about half a minute on a loaded 2-core machine (NLKIT_DIFF_SEEDS=90 for a deeper run). */
const FIRST_SEED = Number(process.env.NLKIT_DIFF_SEED ?? 1);
const SEEDS = Number(process.env.NLKIT_DIFF_SEEDS ?? 5);
const COMMANDS = Number(process.env.NLKIT_DIFF_COMMANDS ?? 60);

/**
 * Commands nlkit answers differently on purpose (docs/cli.md, "Differences
 * from ip"): words ip sends that the library cannot express, which nlkit
 * refuses. Such a command runs through ip in both namespaces, so what it
 * builds (an encap route) is still there for the commands after it to show.
 */
const KNOWN_DIFFERENCES: readonly { pattern: RegExp; why: string }[] = [
  {
    pattern: /\b(r|ro|rou|route) (?!(g|ge|get|s|sh|sho|show|l|ls|lst|li|lis|list|f|fl|flu|flus|flush)\b)\S+\b.* (encap|realms?|from) /,
    why: 'route encap, realms and from are not sent by the library',
  },
  { pattern: /\b(ru|rule) add\b.* realms? /, why: 'rule realms is not sent by the library' },
  // ip reads `s`, `se` (set) and `c`… (change) as the same command.
  { pattern: /\b(l|li|lin|link) (s|se|set|c|ch|cha|chan|chang|change)\b.* addrg[a-z]*\b/, why: 'link addrgenmode is not sent by the library' },
  {
    pattern: /^(-\S+ )*(-0|-f link|-family link) (-\S+ )*(r|ro|rou|route|n|ne|nei|neigh|neighbour|neighbor|a|ad|addr|address|ru|rule)\b/,
    why: 'family link (-0) is read as no family by route, address, neighbour and rule',
  },
];

/**
 * Answers nlkit gives differently on purpose, both refusals: ip looks a
 * nexthop's device up while it reads the line, nlkit after it (the batch hot
 * path reads no link table), so a line with a missing device and a later
 * mistake gets ip's "Cannot find device" and nlkit's message for the mistake.
 */
const KNOWN_ANSWERS: readonly { matches: (theirs: CliRun, mine: CliRun) => boolean; why: string }[] = [
  {
    matches: (theirs, mine) => /^Cannot find device "[^"]*"\nError: cannot parse nexthop\n$/.test(theirs.stderr) && mine.status !== 0,
    why: "a nexthop's device is looked up after the line is read",
  },
  {
    matches: (theirs, mine) => theirs.stderr === 'Error: Unknown device type.\n' && mine.status === theirs.status && /^Error: nlkit does not create links of type /.test(mine.stderr),
    why: 'link add of a kind nlkit does not build names the kinds it builds',
  },
];

/**
 * Lines ip carries out and nlkit refuses on purpose, found by the answer
 * (the words that trigger them are mutations anywhere in a line): each is
 * run through ip in nlkit's namespace too, so the two stay alike.
 */
const KNOWN_REFUSALS: readonly { matches: (theirs: CliRun, mine: CliRun) => boolean; why: string }[] = [
  {
    // A stray number or route type name is a rule's type to ip (`rule add … 0 table 100` is action 0, shown as `none`).
    matches: (theirs, mine) => theirs.status === 0 && mine.status === 2 && /^Error: nlkit's rules take the actions lookup, goto, nop, blackhole, unreachable and prohibit, not "[^"]*"\.\n$/.test(mine.stderr),
    why: 'rule actions other than lookup, goto, nop, blackhole, unreachable and prohibit are not sent by the library',
  },
  {
    // `rule add no … table 100` (`no` is nop to ip): the kernel keeps a table it never looks up; RuleSpec refuses one on a rule that is no lookup.
    // ip's request may also reach the kernel and fail there (a `rule del` of no such rule): the line was still one ip sends.
    matches: (theirs, mine) => (theirs.status === 0 || /^RTNETLINK answers: /.test(theirs.stderr)) && mine.status === 1 && /^Error: a table only applies to action 'lookup', not '\w+'\n$/.test(mine.stderr),
    why: "the library refuses a table on a rule whose action is not 'lookup'",
  },
  {
    // `mtu -1`: ip sends 4294967295 and the kernel refuses it (status 2: `Invalid argument` on add, its extack on set); the library refuses it first (docs/cli.md).
    matches: (theirs, mine) => theirs.status === 2 && /^(RTNETLINK answers: |Error: )/.test(theirs.stderr) && mine.status === 1 && /^Error: mtu must be an integer from 0 to 2147483647, got the number 4294967295\n$/.test(mine.stderr),
    why: 'the library refuses a negative MTU',
  },
];

/** Where nlkit names itself, ip names itself (`try "ip link help"`, `"ip route flush" requires`). */
const asIp = (text: string): string => text.replace(/"nlkit /g, '"ip ');

/**
 * States the kernel moves on its own between the two reads: carrier and
 * operstate (linkwatch), a bridge port's STP state and the bridge's timers,
 * neighbour states (which timers age), lifetimes and statistics counters;
 * in JSON with or without -p's space after the colon.
 */
function maskText(text: string): string {
  return text
    .replace(/\bstate (UP|DOWN|UNKNOWN|LOWERLAYERDOWN|DORMANT)\b/g, 'state <oper>')
    .replace(/"operstate": ?"[A-Z]+"/g, '"operstate":"<oper>"')
    // -br's second column.
    .replace(/^(\S+\s+)(UP|DOWN|UNKNOWN|LOWERLAYERDOWN|DORMANT)\b/gm, '$1<oper>')
    .replace(/(NO-CARRIER,|,LOWER_UP|"NO-CARRIER",|,"LOWER_UP"|"LOWER_UP",?| linkdown\b|,"linkdown"|"linkdown",?)/g, '')
    .replace(/(\w+_timer)": ?[\d.]+/g, '$1":"<timer>"')
    .replace(/(\w+_timer)(\s+)[\d.]+/g, '$1$2<timer>')
    .replace(/\b(REACHABLE|STALE|DELAY|PROBE|FAILED|INCOMPLETE)\b/g, '<nud>')
    .replace(/\b(valid_lft|preferred_lft|expires) \d+sec/g, '$1 <countdown>')
    .replace(/"(valid_life_time|preferred_life_time|expires)": ?\d+/g, '"$1":"<countdown>"')
    .replace(/\bstate (disabled|listening|learning|forwarding|blocking)\b/g, 'state <stp>')
    .replace(/"state": ?"(disabled|listening|learning|forwarding|blocking)"/g, '"state":"<stp>"');
}

/** Statistics count packets the kernel sends on its own (IPv6 on an up link): every number after RX/TX masked. */
function maskStats(text: string): string {
  return text
    .replace(/"(stats64|stats)":\{("\w+":\{[^}]*\},?|"\w+":\d+,?)*\}/g, '"$1":"<counters>"')
    // ip sizes the columns to the widest value: the spacing moves with the counts too.
    .replace(/(\n\s+(RX|TX)[^\n]*\n)([^\n]*)/g, (_m, head: string, _d, values: string) => head.replace(/ +/g, ' ') + values.replace(/\d+/g, 'N').replace(/ +/g, ' '))
    .replace(/\b(used|probes|ref) [\d/]+/g, '$1 N')
    .replace(/"(used|confirmed|updated|refcnt|probes|age|users)":\d+/g, '"$1":0')
    .replace(/\b(age|users) \d+/g, '$1 N');
}

/**
 * Neighbours in an order of their own: a dump walks the table's hash, whose
 * seed is random per namespace. Multicast entries (01:00:5e:…, 33:33:…) are
 * left out: the kernel adds them when a link sends its own IGMP/MLD reports,
 * at moments of its own.
 */
function sortedNeighbours(list: unknown): unknown {
  return (list as { dst: string; dev?: string; lladdr?: string }[]).filter((n) => !/^(01:00:5e|33:33):/.test(n.lladdr ?? '')).sort((x, y) => `${x.dev} ${x.dst}`.localeCompare(`${y.dev} ${y.dst}`));
}

/** Output of `neigh show` in an order of its own (see sortedNeighbours): text lines sorted, JSON entries sorted. */
function sortedNeighbourOutput(out: string): string {
  if (out.startsWith('[')) return JSON.stringify(sortedNeighbours(JSON.parse(out)));
  return out.split('\n').filter((l) => !/ (01:00:5e|33:33):/.test(l)).sort().join('\n');
}

/** Both namespaces as `ip -j -d` reads them, with what moves on its own left out. */
function snapshot(ns: string): unknown {
  const json = (...args: string[]): unknown => JSON.parse(maskText(ipOut('-n', ns, '-j', ...args)));
  const links = maskLinkJson(json('-d', 'link', 'show')) as Record<string, any>[];
  const addresses = maskAddressJson(json('addr', 'show')) as Record<string, any>[];
  // A veth peer the kernel names (no `peer name`) gets a random MAC, different in each namespace.
  for (const l of [...links, ...addresses]) if (/^veth\d+$/.test(l.ifname)) l.address = '<random>';
  for (const l of links) {
    const port = l.linkinfo?.info_slave_data;
    if (port) for (const k of ['topology_change_ack', 'config_pending']) delete port[k];
    const data = l.linkinfo?.info_data;
    if (data) for (const k of ['topology_change', 'topology_change_detected', 'root_id', 'root_port', 'root_path_cost']) delete data[k];
  }
  return {
    links,
    addresses,
    routes: maskRouteJson(json('route', 'show', 'table', 'all')),
    routes6: maskRouteJson(json('-6', 'route', 'show', 'table', 'all')),
    neighbours: sortedNeighbours(maskNeighbourJson(json('neigh', 'show', 'nud', 'all'))),
    neighbours6: sortedNeighbours(maskNeighbourJson(json('-6', 'neigh', 'show', 'nud', 'all'))),
    rules: json('rule', 'show'),
    rules6: json('-6', 'rule', 'show'),
  };
}

/** Reads of both namespaces before a difference counts, and the pause between them. */
const SNAPSHOT_READS = 5;
const SNAPSHOT_PAUSE_MS = 50;

/**
 * Both namespaces' snapshots once they read alike, or after the kernel's own
 * deferred work has had a moment: an IPv6 address's local route is added by
 * addrconf's DAD work (with nodad too), after the request has been answered.
 * A difference that is still there after the last read is nlkit's.
 */
async function settledSnapshots(a: string, b: string): Promise<{ mine: unknown; theirs: unknown }> {
  for (let read = 1; ; read++) {
    const mine = snapshot(b);
    const theirs = snapshot(a);
    if (read === SNAPSHOT_READS || isDeepStrictEqual(mine, theirs)) return { mine, theirs };
    await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_PAUSE_MS));
  }
}
/** Same sysctls in both: no DAD and no link-local addresses (their timers would make the namespaces differ). */
function prepare(ns: string): void {
  execFileSync('ip', ['netns', 'exec', ns, 'sysctl', '-qw',
    'net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.all.addr_gen_mode=1', 'net.ipv6.conf.default.addr_gen_mode=1']);
  ipOut('-n', ns, 'link', 'set', 'lo', 'up');
}

/** `line` as argv on `ns`: ip takes `-n NS` among its other options, before the object. */
const argv = (line: string, ns: string): string[] => ['-n', ns, ...line.split(' ').filter((w) => w !== '')];

const isShow = (line: string): boolean => {
  const words = line.split(' ').filter((w) => !w.startsWith('-') && w !== '');
  // `-f inet`/`-family foo` leave their argument among the words; skip it.
  const verb = words.find((w, i) => i > 0 && !['inet', 'inet6', 'link', 'foo'].includes(w)) ?? 'show';
  return /^(s|sh|sho|show|l|ls|lst|li|lis|list|get|g|ge)$/.test(verb) && words.length >= 2;
};

function normalise(run: CliRun, stats: boolean): CliRun {
  const mask = (s: string) => (stats ? maskStats(maskText(s)) : maskText(s));
  return { status: run.status, stderr: mask(run.stderr), stdout: mask(run.stdout) };
}

async function runSeed(t: Test, seed: number): Promise<void> {
  const [a, b] = testNetns(t, 2, 'diff');
  prepare(a!);
  prepare(b!);
  const lines = randomCommands(seed, COMMANDS);
  const replay = (i: number) => `seed ${seed}, command ${i}: ${lines[i]}\ncommands so far:\n${lines.slice(0, i + 1).map((l, k) => `  ${k}: ip ${l}`).join('\n')}`;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (KNOWN_DIFFERENCES.some((d) => d.pattern.test(line))) {
      ipRun(argv(line, a!));
      ipRun(argv(line, b!));
      continue;
    }
    const stats = /(^|\s)-s/.test(line);
    const theirs = normalise(ipRun(argv(line, a!)), stats);
    const mine = normalise(await nlkit(argv(line, b!)), stats);
    mine.stderr = asIp(mine.stderr);
    if (/\b(n|ne|nei|neig|neigh|neighbour|neighbor)\b/.test(line) && theirs.status === 0) {
      theirs.stdout = sortedNeighbourOutput(theirs.stdout);
      mine.stdout = sortedNeighbourOutput(mine.stdout);
    }
    // A usage page may follow a warning (`Warning: route NAT is deprecated`).
    const usagePage = /(^|\n)Usage:/;
    if (usagePage.test(theirs.stderr) || usagePage.test(theirs.stdout)) {
      // ip prints its whole usage page (the veth one on standard output), nlkit its own shorter one (docs/cli.md): the status and that it says something.
      const usage = usagePage.test(mine.stderr) || usagePage.test(mine.stdout);
      if (!t.same({ status: mine.status, usage }, { status: theirs.status, usage: true }, `ip ${line}`, { replay: replay(i) })) return;
    } else if (KNOWN_ANSWERS.some((k) => k.matches(theirs, mine))) {
      t.pass(`known difference: ip ${line}`);
    } else if (KNOWN_REFUSALS.some((k) => k.matches(theirs, mine))) {
      t.pass(`known refusal: ip ${line}`);
      ipRun(argv(line, b!));
    } else if (!t.same(mine, theirs, `ip ${line}`, { replay: replay(i) })) return;
    if (isShow(line) && theirs.status === 0) continue;
    const { mine: mineAfter, theirs: theirsAfter } = await settledSnapshots(a!, b!);
    if (!t.same(mineAfter, theirsAfter, `same namespace after ip ${line}`, { replay: replay(i) })) return;
  }
}

t.test('random command sequences: nlkit answers and changes as ip does', async (t) => {
  if (!requireRoot(t)) return;
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) await t.test(`seed ${seed}`, (t) => runSeed(t, seed));
});
