// The durable DEL queue (each client test once per client kind, C and Perl):
// with no agent and no Node.js the client queues a DEL
// (exit 0 for the runtime, a 0600 file in a 0700 directory) and refuses an
// ADD; the agent replays the queue before serving, after which the pod's veth
// and its address are gone and the queue is empty; a replayed DEL queued again
// is idempotent; malformed, non-DEL and untrusted entries are not run.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { encodeRequest, perlClientScript, startCniAgent, type CniAgent, type CniAgentOptions } from '../../src/cni/agent/index.js';
import { QUEUED_FILE } from '../../src/cni/agent/del-queue.js';
import { ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { DEFAULT_CLIENT_KIND, perClient, writeClient, type ClientKind } from './clients.js';
import { cniEnv, execPlugin, hostEndName, pods, type PluginRun } from './helpers.js';

if (!requireRoot(t)) process.exit(0);

/** A client whose only "node" does not exist: the host of a Kubernetes node, with the agent in a container. */
function setup(t: Test, kind: ClientKind = DEFAULT_CLIENT_KIND) {
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-delq-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const client = writeClient(kind, join(dir, 'nlkit-bridge'), { plugin: 'nlkit-bridge', nodeCommands: [[join(dir, 'no-such-node')]] });
  return { dir, client, socketPath: join(dir, 'run', 'cni.sock'), queue: join(dir, 'state', 'del-queue'), dataDir: join(dir, 'ipam') };
}

function config(dataDir: string): Record<string, unknown> {
  return { cniVersion: '1.1.0', name: 'delqnet', type: 'nlkit-bridge', bridge: 'cni0', isGateway: true, isDefaultGateway: true, ipam: { type: 'host-local', subnet: '10.78.0.0/24', dataDir } };
}

function queued(queue: string): string[] {
  return existsSync(queue) ? readdirSync(queue).sort() : [];
}

function allocations(dataDir: string): string[] {
  const dir = join(dataDir, 'delqnet');
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)) : [];
}

async function agentFor(t: Test, options: CniAgentOptions): Promise<CniAgent> {
  const agent = await startCniAgent(options);
  t.teardown(() => agent.close());
  return agent;
}

perClient(t, 'agent down and no Node.js: DEL is queued and succeeds, ADD fails; the agent replays the queue before serving', async (t, kind) => {
  const { client, socketPath, queue, dataDir } = setup(t, kind);
  const [outer] = testNetns(t, 1, 'cnidelq');
  const [pod] = pods(t, 1);
  const conf = config(dataDir);
  const call = (command: string, containerId = 'c1', id = pod!): Promise<PluginRun> =>
    execPlugin(outer!, [client], { ...cniEnv(command, { containerId, netns: id.path, ifname: 'eth0' }), NLKIT_CNI_AGENT_SOCKET: socketPath, NLKIT_CNI_DEL_QUEUE: queue }, conf);

  const first = await startCniAgent({ socketPath, delQueueDir: queue, runOptions: { hostNetns: outer! } });
  const add = await call('ADD');
  t.equal(add.exitCode, 0, `ADD through the agent (${add.stdout.trim()})`);
  const hostEnd = hostEndName(add.json);
  await first.close();

  const del = await call('DEL');
  t.equal(del.exitCode, 0, 'DEL with neither agent nor Node.js: exit 0 for the runtime');
  t.equal(del.stdout, '', 'and prints nothing, as a DEL does');
  const files = queued(queue);
  t.equal(files.length, 1, 'one request queued');
  t.match(files[0], QUEUED_FILE, 'named as the agent expects, no temporary file left');
  t.equal(statSync(join(queue, files[0]!)).mode & 0o777, 0o600, 'the queued file is 0600');
  t.equal(statSync(queue).mode & 0o777, 0o700, 'the queue directory is 0700');
  t.same(ipJson(pod!.name, 'link', 'show').map((l: any) => l.ifname).sort(), ['eth0', 'lo'], 'nothing done yet: the pod end is still there');
  t.equal(allocations(dataDir).length, 1, 'and the address still allocated');

  const refused = await call('ADD', 'c2');
  t.equal(refused.exitCode, 1, 'ADD with neither agent nor Node.js fails');
  t.equal(refused.json?.code, 11, 'with CNI code 11 (try again later)');
  t.match(refused.json?.msg, /agent is not running/, 'saying what to do');
  t.equal(queued(queue).length, 1, 'an ADD is never queued');

  const version = await call('VERSION');
  t.same(version.json?.supportedVersions, ['0.4.0', '1.0.0', '1.1.0'], 'VERSION is answered by the client itself');

  const log: string[] = [];
  const second = await agentFor(t, { socketPath, delQueueDir: queue, runOptions: { hostNetns: outer! }, log: (m) => log.push(m) });
  t.same(await second.ready, { replayed: 1, failed: 0 }, 'the new agent replayed the queued DEL');
  t.same(queued(queue), [], 'the queue is empty');
  t.same(ipJson(pod!.name, 'link', 'show').map((l: any) => l.ifname), ['lo'], 'the pod end is gone');
  t.same(ipJson(outer!, 'link', 'show').map((l: any) => l.ifname).filter((n: string) => n === hostEnd), [], 'the host end is gone');
  t.same(allocations(dataDir), [], 'the address is released');
  t.ok(log.some((m) => m.includes('replayed')), 'the agent logged the replay');

  // Restart idempotence: the same DEL queued again (a runtime retrying) replays as a no-op success.
  await second.close();
  t.equal((await call('DEL')).exitCode, 0, 'the DEL queued again');
  const third = await agentFor(t, { socketPath, delQueueDir: queue, runOptions: { hostNetns: outer! } });
  t.same(await third.ready, { replayed: 1, failed: 0 }, 'a DEL of what is already gone replays as a success');
  t.same(queued(queue), [], 'the queue is empty again');
  const again = await call('ADD', 'c3');
  t.equal(again.exitCode, 0, 'the agent serves after the replay');
  t.equal(third.answered, 1, 'replayed DELs are not counted as client calls');
});

t.test('entries that are not a valid queued DEL are kept as .failed and never run; an untrusted directory is not replayed', async (t) => {
  const { dir, socketPath, queue, dataDir } = setup(t);
  const [outer] = testNetns(t, 1, 'cnidelq');
  mkdirSync(queue, { recursive: true, mode: 0o700 });
  const stamp = String(Date.now()).padStart(13, '0');
  const name = (n: number) => `del-${stamp}-${process.pid}-0000000${n}.req`;
  writeFileSync(join(queue, name(1)), 'not the protocol\n', { mode: 0o600 });
  writeFileSync(join(queue, name(2)), encodeRequest({ plugin: 'nlkit-bridge', env: cniEnv('ADD', { containerId: 'x', netns: '/run/netns/none', ifname: 'eth0' }), stdin: Buffer.from(JSON.stringify(config(dataDir))) }), { mode: 0o600 });
  writeFileSync(join(queue, 'unrelated.txt'), 'left alone', { mode: 0o600 });
  const log: string[] = [];
  const agent = await agentFor(t, { socketPath, delQueueDir: queue, runOptions: { hostNetns: outer! }, log: (m) => log.push(m) });
  t.same(await agent.ready, { replayed: 0, failed: 2 }, 'both refused');
  t.same(queued(queue), [`${name(1)}.failed`, `${name(2)}.failed`, 'unrelated.txt'].sort(), 'kept for an operator, other files untouched');
  t.ok(log.some((m) => m.includes('only DEL is queued')), 'the queued ADD is refused as such');
  t.same(allocations(dataDir), [], 'the queued ADD did not run');
  await agent.close();

  const open = join(dir, 'open-queue');
  mkdirSync(open, { mode: 0o777 });
  chmodSync(open, 0o777);
  writeFileSync(join(open, name(3)), encodeRequest({ plugin: 'nlkit-bridge', env: cniEnv('DEL', { containerId: 'x', netns: '', ifname: 'eth0' }), stdin: Buffer.from(JSON.stringify(config(dataDir))) }));
  const openLog: string[] = [];
  const other = await agentFor(t, { socketPath, delQueueDir: open, runOptions: { hostNetns: outer! }, log: (m) => openLog.push(m) });
  t.same(await other.ready, { replayed: 0, failed: 0 }, 'a world-writable queue is not replayed');
  t.ok(openLog.some((m) => /writable by group or others/.test(m)), 'and the agent says why');
  t.equal(readdirSync(open).length, 1, 'its entry is left where it is');
  await t.rejects(startCniAgent({ socketPath: join(dir, 'x.sock'), delQueueDir: 'relative' }), /absolute/, 'a relative queue directory is refused');
});

perClient(t, 'the paths baked into the client: its socket and queue when the environment names none', async (t, kind) => {
  const { dir } = setup(t, kind);
  const queue = join(dir, 'baked-queue');
  const client = writeClient(kind, join(dir, 'baked-client'), { plugin: 'nlkit-bridge', nodeCommands: [[join(dir, 'no-such-node')]], socketPath: join(dir, 'absent.sock'), delQueueDir: queue });
  const [outer] = testNetns(t, 1, 'cnidelq');
  const r = await execPlugin(outer!, [client], cniEnv('DEL', { containerId: 'c9', netns: '/run/netns/gone', ifname: 'eth0' }), config(join(dir, 'ipam')));
  t.equal(r.exitCode, 0, 'DEL queued');
  t.equal(queued(queue).length, 1, 'in the baked-in queue directory');
  t.throws(() => perlClientScript({ plugin: 'nlkit-bridge', delQueueDir: 'relative' }), /absolute path/, 'a relative queue directory is refused');
});
