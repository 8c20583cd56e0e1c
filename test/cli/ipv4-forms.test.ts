// ip reads an IPv4 address with get_addr_ipv4(): one to four dotted parts,
// the missing ones zero (`10/8` is 10.0.0.0/8, `127.1` is 127.1.0.0), each
// part through strtoul base 0 (`0x7f` hex, `010` octal), and a prefix length
// as a number in any of those bases or a dotted netmask. Scripts use these
// forms (`ip route add 10/8 …`), so nlkit must read them as ip does: each
// command runs through ip in one namespace and nlkit in another, and the
// exit status, the output and the resulting state must match.
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { ipOut, ipRun, nlkit } from './helpers.js';
import { ipv4Canonical, isDottedQuadPrefix, parsePrefix } from '../../src/cli/commands/prefix.js';

t.test('the address words ip accepts, as the library writes them', async (t) => {
  const cases: [string, string][] = [
    ['10/8', '10.0.0.0/8'], ['172.16/12', '172.16.0.0/12'], ['127.1', '127.1.0.0'], ['0x7f.1', '127.1.0.0'],
    ['010.1.2.3', '8.1.2.3'], ['1.2.3.04', '1.2.3.4'], ['1.2.3.4/255.255.255.0', '1.2.3.4/24'], ['10/0x10', '10.0.0.0/16'],
    ['10/010', '10.0.0.0/8'], ['1.2.3.4/032', '1.2.3.4/26'], ['0.0.0.0/0', '0.0.0.0/0'], ['255.255.255.255/32', '255.255.255.255/32'],
    ['10.1/255.255', '10.1.0.0/16'],
  ];
  for (const [word, canonical] of cases) t.equal(ipv4Canonical(word), canonical, word);
  // Words that are not an IPv4 address ip reads stay as written, for the library's own message.
  for (const word of ['1.2.3.256', '08.1', '0x', '10.', '.1', '1..2', '1.2.3.4.5', '1.2.3.4/33', '1.2.3.4/255.0.255.0', 'default', 'fd00::1/64', 'eth0', '', '1.2.3.4/', '1.2.3.4/x']) {
    t.equal(ipv4Canonical(word), word, `"${word}" unchanged`);
  }
  for (const word of ['1.2.3.4', '1.2.3.4/0', '1.2.3.4/32', '0.0.0.0', '255.255.255.255/9']) t.ok(isDottedQuadPrefix(word), `"${word}" is canonical`);
  for (const word of ['1.2.3.4/33', '1.2.3.4/08', '1.2.3.4/', '01.2.3.4', '1.2.3', '1.2.3.4/123', '1.2.3.256']) t.notOk(isDottedQuadPrefix(word), `"${word}" is not`);
  // The selectors' parser reads the same words.
  t.equal(parsePrefix('1.2.3.4/255.255.0.0', 0).bitlen, 16);
  t.throws(() => parsePrefix('1.2.3.4/255.0.255.0', 0), /any valid prefix is expected rather than "1.2.3.4\/255.0.255.0"/);
});

t.test('route, address, neighbour and rule commands with ip\'s IPv4 forms end as ip ends', async (t) => {
  if (!requireRoot(t)) return;
  const [viaIp, viaNlkit] = testNetns(t, 2, 'v4') as [string, string];
  const commands = [
    'link set lo up',
    'route add 10/8 dev lo',
    'route add 172.16/12 dev lo metric 0x10',
    'addr add 10.1/16 dev lo',
    'addr add 10.2.0.1/255.255.0.0 dev lo',
    'addr add 10.3.0.1/0x10 brd 10.3.255.0377 dev lo',
    'route add 192.168/16 via 10.1 dev lo',
    'route add 10.9/16 via 127.0.0.1 src 10.1 dev lo',
    'route add 10.10.0.0/16 nexthop via 10.1 dev lo nexthop via 10.2.0.1 dev lo',
    'route get 10.9.1',
    'route get 10.9.1 from 10.1',
    'neigh add 10.1.2 lladdr 02:00:00:00:00:01 dev lo',
    'rule add from 10.4/16 to 172.16/12 lookup 100',
    'route del 192.168/16',
    'addr del 10.1/16 dev lo',
  ];
  for (const command of commands) {
    const words = command.split(' ');
    const ip = ipRun(['-n', viaIp, ...words]);
    const ours = await nlkit(['-n', viaNlkit, ...words]);
    t.same({ status: ours.status, stdout: ours.stdout, stderr: ours.stderr }, { status: ip.status, stdout: ip.stdout, stderr: ip.stderr }, command);
  }
  for (const listing of [['route', 'show', 'table', 'all'], ['addr', 'show'], ['neigh', 'show'], ['rule', 'show']]) {
    t.same(JSON.parse(ipOut('-n', viaNlkit, '-j', ...listing)), JSON.parse(ipOut('-n', viaIp, '-j', ...listing)), listing.join(' '));
  }
});
