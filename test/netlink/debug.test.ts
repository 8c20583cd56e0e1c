// DEBUG=nlkit:* shows every request and reply in readable form.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { requireRoot, uniqueNetnsName } from '../helpers/netns.js';

const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');

t.test('debug output decodes requests and replies', async (t) => {
  if (!requireRoot(t)) return;
  const ns = uniqueNetnsName('debug');
  const dir = join(root, '.tap', 'debug-script');
  mkdirSync(dir, { recursive: true });
  const script = join(dir, 'run.ts');
  writeFileSync(script, `
import { createNetns, deleteNetns, openRoute } from '../../src/index.js';
createNetns(${JSON.stringify(ns)});
try {
  const rt = openRoute({ netns: ${JSON.stringify(ns)} });
  rt.link.add({ name: 'vh1', type: 'veth', peer: { name: 'eth0' } });
  rt.addr.add({ dev: 'vh1', address: '10.1.1.1/24' });
  try { rt.route.add({ dst: '10.2.0.0/16', gateway: '10.1.1.2' }); } catch {}
  rt.close();
} finally { deleteNetns(${JSON.stringify(ns)}); }
`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', script], {
    cwd: root, encoding: 'utf8', env: { ...process.env, DEBUG: 'nlkit:*', DEBUG_COLORS: '0' },
  });
  t.equal(run.status, 0, 'script ran');
  const out = run.stdout;
  const err = run.stderr;
  t.equal(out, '', 'nothing on stdout');
  t.match(err, /nlkit:netlink → RTM_NEWLINK vh1 veth peer eth0 seq=\d+ flags=REQUEST\|ACK/, 'link request decoded');
  t.match(err, /nlkit:netlink ← ACK seq=\d+/, 'acks shown');
  t.match(err, /nlkit:netlink → RTM_NEWADDR inet 10\.1\.1\.1\/24/, 'address request decoded');
  t.match(err, /nlkit:netlink → RTM_NEWROUTE inet unicast 10\.2\.0\.0\/16 via 10\.1\.1\.2/, 'route request decoded');
  t.match(err, /nlkit:netlink ← ERROR errno=101/, 'errors shown');
  t.match(err, /nlkit:netns created/, 'namespace lifecycle shown');
});
