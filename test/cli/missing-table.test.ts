// A route table that does not exist, as ip reports it: `show` of table main
// lists nothing (ip's save_route_errhndlr takes the kernel's ENOENT as an
// empty main table), every other table and every flush is the kernel's
// error and `Dump terminated` / `Flush terminated`, status 2. The library
// lists a missing table as empty unless asked with missingTable: 'throw'.
import t from 'tap';
import { InvalidArgumentError, NetlinkError, openRoute } from '../../src/index.js';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { ipRun, nlkit } from './helpers.js';

const FORMS = [
  'route show', 'route show table main', 'route show table 0', 'route show table all', 'route show cached',
  'route show table 100', '-6 route show table 100', 'route show table 100 cached', '-j route show table 100', '-j -p route show table 100',
  'route flush table main', 'route flush table 100', '-6 route flush table 100', 'route flush all',
];

t.test('routes of a table the kernel does not have: the library, and nlkit as ip', async (t) => {
  if (!requireRoot(t)) return;
  // Nothing in it, lo down: not even the main table exists for IPv4.
  const [ns] = testNetns(t, 1, 'notable') as [string];
  for (const form of FORMS) {
    const words = form.split(' ');
    const ip = ipRun(['-n', ns, ...words]);
    const mine = await nlkit(['-n', ns, ...words]);
    t.same({ status: mine.status, stdout: mine.stdout, stderr: mine.stderr }, { status: ip.status, stdout: ip.stdout, stderr: ip.stderr }, form);
  }
  t.equal(ipRun(['-n', ns, 'route', 'show', 'table', '100']).status, 2, 'ip does refuse (the comparison is not of two empty outputs)');

  const rt = openRoute({ netns: ns });
  t.teardown(() => rt.close());
  t.same(rt.route.list({ table: 100 }), [], 'listed as empty by default');
  t.same(await rt.route.listAsync({ table: 100, missingTable: 'empty' }), [], 'and with missingTable: empty');
  const error = t.throws(() => rt.route.list({ table: 100, family: 4, missingTable: 'throw' })) as NetlinkError;
  t.type(error, NetlinkError);
  t.equal(error.code, 'ENOENT');
  t.match(error.extack.message, /FIB table does not exist/);
  await t.rejects(rt.route.listAsync({ table: 100, family: 6, missingTable: 'throw' }), { code: 'ENOENT' });
  t.throws(() => rt.route.list({ missingTable: 'never' as 'empty' }), InvalidArgumentError);
  t.throws(() => rt.route.list({ missingTable: 'never' as 'empty' }), /route filter missingTable must be one of "empty", "throw", got the string "never"/);
});
