// `nlkit monitor` prints each change as it happens; `nlkit netns` lists,
// identifies and runs commands like `ip netns`.
import t from 'tap';
import { runCli } from '../../src/cli/main.js';
import { requireRoot, testNetns } from '../helpers/netns.js';
import { ipOut, ipRun, nlkit } from './helpers.js';

t.test('monitor -j: one JSON object per notification, until aborted', async (t) => {
  if (!requireRoot(t)) return;
  const [ns] = testNetns(t, 1, 'climon');
  // Loaded ahead, so the command subscribes at once rather than after compiling its modules.
  await import('../../src/cli/commands/monitor.js');
  await import('../../src/route/index.js');
  let out = '';
  let err = '';
  const abort = new AbortController();
  const running = runCli(['-n', ns!, '-j', 'monitor', 'link', 'address'], {
    stdout: (s) => void (out += s),
    stderr: (s) => void (err += s),
    signal: abort.signal,
  });
  // The subscription is open once the command has read the links (it lists them first, then subscribes).
  await new Promise((resolve) => setTimeout(resolve, 1000));
  ipOut('-n', ns!, 'link', 'add', 'm0', 'type', 'veth', 'peer', 'name', 'm1');
  ipOut('-n', ns!, 'addr', 'add', '10.3.0.1/24', 'dev', 'm0');
  ipOut('-n', ns!, 'link', 'del', 'm0');
  for (let i = 0; i < 50 && !out.includes('"deleted":true'); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  abort.abort();
  t.equal(await running, 0, 'exits 0 when stopped');
  t.equal(err, '');
  const events = out.trim().split('\n').map((line) => JSON.parse(line));
  t.ok(events.some((e) => e.ifname === 'm0' && !e.deleted), 'm0 created');
  t.ok(events.some((e) => e.dev === 'm0' && e.local === '10.3.0.1'), 'its address');
  t.ok(events.some((e) => e.ifname === 'm0' && e.deleted === true), 'm0 deleted');
});

t.test('netns list, list-id, set, identify, exec, add, delete', async (t) => {
  if (!requireRoot(t)) return;
  const [a, b] = testNetns(t, 2, 'clins');
  ipOut('netns', 'set', b!, '7');
  // Other tests create and delete namespaces meanwhile: compare the entries of this test's own.
  const ours = (entries: { name: string }[]) => entries.filter((e) => e.name === a || e.name === b);
  const oursText = (text: string) => text.split('\n').filter((l) => l.startsWith(`${a} `) || l === a || l.startsWith(`${b} `) || l === b);
  const mine = ours(JSON.parse((await nlkit(['-j', 'netns', 'list'])).stdout));
  t.same(mine, ours(JSON.parse(ipRun(['-j', 'netns', 'list']).stdout)), 'netns list -j as ip prints it (with ids)');
  t.same(mine.map((e) => e.name).sort(), [a, b].sort());
  t.same(oursText((await nlkit(['netns', 'list'])).stdout), oursText(ipRun(['netns', 'list']).stdout), 'and as text');
  t.equal((await nlkit(['-n', a!, 'netns', 'set', b!, '5'])).status, 0);
  t.same(JSON.parse((await nlkit(['-n', a!, '-j', 'netns', 'list-id'])).stdout), JSON.parse(ipRun(['-n', a!, '-j', 'netns', 'list-id']).stdout), 'list-id');
  const exec = await nlkit(['netns', 'exec', a!, 'sh', '-c', 'ip -j link show lo; exit 3']);
  t.equal(exec.status, 3, "the command's exit status");
  const identify = await nlkit(['netns', 'identify', String(process.pid)]);
  t.equal(identify.status, 0);
  t.equal(identify.stdout, ipRun(['netns', 'identify', String(process.pid)]).stdout, 'identify prints what ip prints');
  const name = `${a}-x`;
  t.equal((await nlkit(['netns', 'add', name])).status, 0);
  t.match(ipRun(['netns', 'list']).stdout, name);
  t.equal((await nlkit(['netns', 'del', name])).status, 0);
  t.notMatch(ipRun(['netns', 'list']).stdout, name);
});
