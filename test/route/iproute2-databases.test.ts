// iproute2's name databases (/etc/iproute2/rt_tables, rt_protos, rt_scopes,
// rt_realms, rt_dsfield, group and the .d directories): read as ip 6.1 reads
// them, so a host's own names print in `ip -j` conversions and are taken in
// specs. The kernel test gives ip a private mount namespace with a test
// directory bind-mounted over /etc/iproute2 (the host's files are never
// touched) and points nlkit at the same directory.
import t from 'tap';
import { openRoute } from '../../src/index.js';
import { InvalidArgumentError } from '../../src/netlink/addresses.js';
import { addressesToIpJson } from '../../src/route/addresses/ipjson.js';
import { parseNameDatabase, useIproute2ConfigDir } from '../../src/route/iproute2-databases.js';
import { parseRouteProtocol, parseRouteTable, parseScope, realmName, routeTableName } from '../../src/route/iproute2-names.js';
import { linkToIpJson } from '../../src/route/links/ipjson.js';
import { prepareRealms } from '../../src/route/realms.js';
import { routeToIpJson } from '../../src/route/routes/ipjson.js';
import { rulesToIpJson } from '../../src/route/rules/ipjson.js';
import { ipWithConf, STOCK_TABLES, useTestIproute2Conf } from '../helpers/iproute2-conf.js';
import { ip, requireRoot, testNetns } from '../helpers/netns.js';
import { maskLinkJson, maskRouteJson } from '../helpers/volatile.js';

t.test('lines are read as fread_id_name reads them', async (t) => {
  t.same(parseNameDatabase('# comment\n\n255\tlocal\n  254 main\n\t0x65 hex101 # trailing comment\n'), [[255, 'local'], [254, 'main'], [101, 'hex101']]);
  t.same(parseNameDatabase('100vpn\n'), [[100, 'vpn']], '%d %s needs no space between them');
  t.same(parseNameDatabase('0xg name\n'), [[0, 'xg']], 'a bad hex id falls back to %d, which reads the 0');
  t.same(parseNameDatabase('0x 12 spaced\n'), [[0x12, 'spaced']], '%x skips white space');
  t.same(parseNameDatabase('-5 negative\n+7 plus\n'), [[-5, 'negative'], [7, 'plus']]);
  t.same(parseNameDatabase('4294967295 wraps\n0xffffffff wrapsToo\n'), [[-1, 'wraps'], [-1, 'wrapsToo']], 'ids are C ints');
  t.same(parseNameDatabase('99999999999999999999999 saturates\n'), [[-1, 'saturates']], 'strtol saturates, the int keeps the low 32 bits');
  t.same(parseNameDatabase('1 one\nnonsense here\n2 two\n'), [[1, 'one']], 'reading stops at a corrupted line');
  t.same(parseNameDatabase('1 one\r\n\r\n2 two\r\n'), [[1, 'one']], 'a CRLF blank line is corrupt to ip');
  t.same(parseNameDatabase('3\n4 four\n'), [], 'an id without a name is corrupt');
});

t.test('names from the files, over the built-in ones', async (t) => {
  useTestIproute2Conf(t, {
    rt_tables: `${STOCK_TABLES}100 vpn\n101 vpn\n`,
    'rt_tables.d/b.conf': '300 later\n',
    'rt_tables.d/a.conf': '300 earlier\n200 extra\n',
    'rt_tables.d/ignored.txt': '400 ignored\n',
    'rt_tables.d/.hidden.conf': '401 hidden\n',
    rt_protos: '4 mystatic\n77 myproto\n',
    rt_scopes: '0 global\n100 myscope\n',
    rt_realms: '0 cosmos\n5 five\n300 outOfRange\n',
  });
  t.equal(routeTableName(100), 'vpn');
  t.equal(routeTableName(101), 'vpn');
  t.equal(parseRouteTable('vpn'), 100, 'a name given twice is the lower bucket\'s');
  t.equal(routeTableName(300), 'later', '.d files in name order, the later one naming the id');
  t.equal(parseRouteTable('earlier'), 300, 'the renamed entry still resolves by name, as in ip\'s hash chain');
  t.equal(routeTableName(200), 'extra');
  t.equal(routeTableName(400), '400', 'only *.conf files');
  t.equal(routeTableName(401), '401', 'no hidden files');
  t.equal(routeTableName(0), 'unspec');
  t.equal(parseRouteProtocol('myproto'), 77);
  t.equal(parseRouteProtocol('mystatic'), 4);
  t.throws(() => parseRouteProtocol('static'), InvalidArgumentError, 'a renamed built-in name is gone, as in ip once the file is read');
  t.equal(parseScope('myscope'), 100);
  t.equal(parseScope('universe'), 0, 'nlkit\'s alias stays');
  t.equal(realmName(5), 'five');
  t.equal(realmName(300), '300', 'realms past 255 are not in the 256-slot table');
  t.equal(prepareRealms('five/cosmos', 'realms'), (5 << 16) >>> 0);
  t.throws(() => parseRouteTable('nosuch'), /rt_tables/);

  useIproute2ConfigDir('/nonexistent/nlkit-iproute2');
  t.equal(routeTableName(100), '100', 'without files only the built-in names');
  t.equal(routeTableName(254), 'main');
  t.equal(realmName(0), 'unknown', 'ip\'s built-in name for realm 0');
});

t.test('ip -j and nlkit print the host\'s names alike', async (t) => {
  if (!requireRoot(t)) return;
  const dir = useTestIproute2Conf(t, {
    rt_tables: `${STOCK_TABLES}100 vpn\n0xc8 hexnamed\n`,
    'rt_tables.d/site.conf': '300 siteTable\n',
    rt_protos: '0 unspec\n2 kernel\n3 boot\n4 static\n77 myproto\n',
    rt_scopes: '0 global\n255 nowhere\n254 host\n253 link\n200 site\n100 myscope\n',
    rt_realms: '0 cosmos\n5 five\n6 six\n',
    rt_dsfield: '0x0 default\n0x10 lowdelay\n',
    group: '0 default\n7 seven\n',
  });
  const ipWithNames = (...args: string[]): string => {
    const run = ipWithConf(dir, args);
    if (run.status !== 0) throw new Error(`ip ${args.join(' ')}: ${run.stderr}`);
    return run.stdout;
  };
  const ipJsonWithNames = (ns: string, ...args: string[]): any[] => JSON.parse(ipWithNames('-n', ns, '-j', ...args).trim() || '[]');

  const [ns] = testNetns(t, 1, 'ip2names') as [string];
  ip(ns, 'link', 'add', 'n0', 'address', '02:00:00:00:00:01', 'type', 'veth', 'peer', 'name', 'n1', 'address', '02:00:00:00:00:02');
  for (const dev of ['n0', 'n1']) ip(ns, 'link', 'set', dev, 'addrgenmode', 'none', 'up');
  // ip reads its names for these commands too: the words are the test directory's.
  ipWithNames('-n', ns, 'link', 'set', 'n1', 'group', 'seven');
  ipWithNames('-n', ns, 'addr', 'add', '10.7.0.1/24', 'dev', 'n0', 'scope', 'myscope');
  ipWithNames('-n', ns, 'route', 'add', '10.8.0.0/16', 'dev', 'n0', 'table', 'vpn', 'proto', 'myproto', 'realms', 'five/six');
  ipWithNames('-n', ns, 'route', 'add', '10.9.0.0/16', 'dev', 'n0', 'table', 'hexnamed', 'tos', 'lowdelay');
  ipWithNames('-n', ns, 'route', 'add', '10.10.0.0/16', 'dev', 'n0', 'table', 'siteTable');
  ipWithNames('-n', ns, 'rule', 'add', 'from', '10.7.0.0/24', 'tos', 'lowdelay', 'lookup', 'vpn', 'realms', 'six', 'proto', 'myproto', 'pref', '100');

  // And nlkit takes the same names in specs.
  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  rt.route.add({ dst: '10.11.0.0/16', dev: 'n0', table: 'vpn' as 'main', protocol: 'myproto' as 'static', realms: 'five' });
  rt.rule.add({ family: 4, from: '10.7.1.0/24', table: 'siteTable' as 'main', priority: 101 });

  const links = rt.link.list();
  const names = new Map(links.map((l) => [l.index, l.name]));
  const routesIp = maskRouteJson(ipJsonWithNames(ns, '-d', 'route', 'show', 'table', 'all').filter((r) => r.type !== 'multicast'));
  const routesMine = maskRouteJson(rt.route.list({ table: 'all' }).filter((r) => r.type !== 5).map((r) => routeToIpJson(r, names, { showTable: true })));
  t.equal(JSON.stringify(routesMine), JSON.stringify(routesIp), 'routes: tables, protocols, realms and tos by the host\'s names');
  t.match(JSON.stringify(routesIp), /"table":"vpn".*"protocol":"myproto"/, 'ip did print the names (the test directory was in place)');

  const rulesIp = ipJsonWithNames(ns, '-d', 'rule', 'show');
  t.equal(JSON.stringify(rulesToIpJson(rt.rule.list({ family: 4 }))), JSON.stringify(rulesIp), 'rules');
  t.match(JSON.stringify(rulesIp), /"table":"siteTable"/);

  const addrsIp = maskLinkJson(ipJsonWithNames(ns, '-d', 'addr', 'show'));
  t.equal(JSON.stringify(maskLinkJson(addressesToIpJson(links, rt.addr.list()))), JSON.stringify(addrsIp), 'addresses: scopes');
  t.match(JSON.stringify(addrsIp), /"scope":"myscope"/);

  const linksIp = maskLinkJson(ipJsonWithNames(ns, '-d', 'link', 'show'));
  t.equal(JSON.stringify(maskLinkJson(links.map((l) => linkToIpJson(l, links)))), JSON.stringify(linksIp), 'links: groups');
  t.match(JSON.stringify(linksIp), /"group":"seven"/);
});
