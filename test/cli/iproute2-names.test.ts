// `nlkit` and ip with a host's own names in /etc/iproute2 (rt_tables and
// rt_tables.d, rt_protos, rt_scopes, rt_realms, rt_dsfield, group): the same
// commands on twin namespaces give the same status, output and state, in text
// and JSON. ip runs in a mount namespace of its own with a test directory
// bind-mounted over /etc/iproute2 (the host's files are never touched); nlkit
// runs in this process, pointed at the same directory.
import { execFileSync } from 'node:child_process';
import t from 'tap';
import { ipWithConf, STOCK_TABLES, useTestIproute2Conf } from '../helpers/iproute2-conf.js';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { maskLinkJson, maskRouteJson } from '../helpers/volatile.js';
import { nlkit, type CliRun } from './helpers.js';

const FILES: Record<string, string> = {
  rt_tables: `${STOCK_TABLES}100 vpn\n0xc8 hexnamed\n`,
  'rt_tables.d/site.conf': '# a site table\n300 siteTable\n',
  rt_protos: '0 unspec\n1 redirect\n2 kernel\n3 boot\n4 static\n77 myproto\n',
  rt_scopes: '0 global\n255 nowhere\n254 host\n253 link\n200 site\n100 myscope\n',
  rt_realms: '0 cosmos\n5 five\n6 six\n',
  rt_dsfield: '0x0 default\n0x10 lowdelay\n',
  group: '0 default\n7 seven\n',
};

t.test('commands with the host\'s names', async (t) => {
  if (!requireRoot(t)) return;
  const dir = useTestIproute2Conf(t, FILES);
  const ipWithNames = (args: readonly string[]): CliRun => ipWithConf(dir, args);

  const [ipNs, myNs] = testNetns(t, 2, 'cliip2n') as [string, string];
  for (const ns of [ipNs, myNs]) {
    execFileSync('ip', ['-n', ns, 'link', 'add', 'n0', 'address', '02:00:00:00:00:01', 'type', 'veth', 'peer', 'name', 'n1', 'address', '02:00:00:00:00:02']);
    for (const dev of ['n0', 'n1']) execFileSync('ip', ['-n', ns, 'link', 'set', dev, 'addrgenmode', 'none', 'up']);
  }

  const changes = [
    ['link', 'set', 'n1', 'group', 'seven'],
    ['addr', 'add', '10.7.0.1/24', 'dev', 'n0', 'scope', 'myscope'],
    ['route', 'add', '10.8.0.0/16', 'dev', 'n0', 'table', 'vpn', 'proto', 'myproto', 'realms', 'five/six'],
    ['route', 'add', '10.9.0.0/16', 'dev', 'n0', 'table', 'hexnamed', 'tos', 'lowdelay'],
    ['route', 'add', '10.10.0.0/16', 'dev', 'n0', 'table', 'siteTable', 'realm', 'cosmos'],
    ['route', 'add', '10.11.0.0/16', 'dev', 'n0', 'table', 'nosuch'],
    ['route', 'add', '10.12.0.0/16', 'dev', 'n0', 'proto', 'nosuch'],
    ['rule', 'add', 'from', '10.7.0.0/24', 'tos', 'lowdelay', 'lookup', 'vpn', 'realms', 'six', 'proto', 'myproto', 'pref', '100'],
    ['rule', 'add', 'from', '10.7.1.0/24', 'table', 'siteTable', 'pref', '101'],
    ['link', 'set', 'group', 'seven', 'mtu', '1400'],
  ];
  const shows = [
    ['route', 'show', 'table', 'all'], ['-d', 'route', 'show', 'table', 'vpn'], ['route', 'show', 'table', 'siteTable'],
    ['route', 'show', 'proto', 'myproto', 'table', 'all'], ['rule', 'show'], ['-d', 'rule', 'show'], ['rule', 'show', 'table', 'vpn'],
    ['addr', 'show', 'dev', 'n0'], ['addr', 'show', 'scope', 'myscope'], ['addr', 'show', 'scope', 'universe'], ['addr', 'show', 'scope', '010'], ['addr', 'show', 'scope', 'all'], ['link', 'show', 'group', 'seven'], ['-d', 'link', 'show', 'n1'],
  ];
  const same = (what: string, mine: CliRun, theirs: CliRun) => {
    t.equal(mine.status, theirs.status, `${what}: status`);
    t.equal(mine.stderr, theirs.stderr, `${what}: stderr`);
    t.equal(mine.stdout, theirs.stdout, `${what}: stdout`);
  };
  for (const words of changes) {
    same(words.join(' '), await nlkit(['-n', myNs, ...words]), ipWithNames(['-n', ipNs, ...words]));
  }
  for (const words of shows) {
    const mask = words.includes('link') ? maskLinkJson : maskRouteJson;
    const mine = await nlkit(['-n', myNs, ...words]);
    const theirs = ipWithNames(['-n', ipNs, ...words]);
    same(words.join(' '), mine, theirs);
    const mineJ = await nlkit(['-n', myNs, '-j', ...words]);
    const theirsJ = ipWithNames(['-n', ipNs, '-j', ...words]);
    t.equal(mineJ.status, theirsJ.status, `-j ${words.join(' ')}: status`);
    t.equal(JSON.stringify(mask(JSON.parse(mineJ.stdout || '[]'))), JSON.stringify(mask(JSON.parse(theirsJ.stdout || '[]'))), `-j ${words.join(' ')}: JSON`);
  }
  t.match(ipWithNames(['-n', ipNs, 'route', 'show', 'table', 'all']).stdout, /table vpn proto myproto/, 'ip used the test directory\'s names');
});
