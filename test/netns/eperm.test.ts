// EPERM names the capability that is missing. The probe runs inside a test
// namespace (entered by `ip netns exec`) as root with every capability dropped
// by setpriv, so nothing it tries can touch the host (and, still uid 0, it
// reads the checkout wherever that lives).
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { requireRoot, testNetns } from '../helpers/netns.js';

const probe = `
import { openRoute, createNetns } from ${JSON.stringify(new URL('../../src/index.ts', import.meta.url).pathname)};
const out = {};
const rt = openRoute();
try { rt.link.set(1, { mtu: 1500 }); } catch (e) { out.link = { name: e.name, code: e.code, message: e.message }; }
try { await rt.link.setAsync(1, { mtu: 1500 }); } catch (e) { out.linkAsync = { name: e.name, code: e.code, message: e.message }; }
try { createNetns('nlkt-eperm-never'); } catch (e) { out.netns = { name: e.name, code: e.code, message: e.message }; }
rt.close();
console.log(JSON.stringify(out));
`;

t.test('EPERM names CAP_NET_ADMIN and CAP_SYS_ADMIN', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'eperm');
  const file = join(tmpdir(), `nlkit-eperm-${process.pid}.mts`);
  writeFileSync(file, probe);
  t.teardown(() => rmSync(file, { force: true }));
  // `env -u NODE_OPTIONS`: the test runner's hooks would follow the probe and write reports where nobody may not.
  const stdout = execFileSync('ip', [
    'netns', 'exec', ns!, 'env', '-u', 'NODE_OPTIONS', 'setpriv', '--inh-caps=-all', '--ambient-caps=-all', '--bounding-set=-all',
    process.execPath, '--import=tsx', file,
  ], { encoding: 'utf8' });
  const out = JSON.parse(stdout.trim().split('\n').at(-1)!);
  t.match(out.link, { name: 'NetlinkError', code: 'EPERM', message: /set link #1 .* EPERM .*CAP_NET_ADMIN/ });
  t.match(out.linkAsync, { name: 'NetlinkError', code: 'EPERM', message: /CAP_NET_ADMIN/ });
  t.match(out.netns, { name: 'SyscallError', code: 'EPERM', message: /CAP_SYS_ADMIN/ });
});
