// The CNI protocol as the spec (1.0.0, 1.1.0) defines it, checked on
// nlkit-bridge and, where the reference bridge plugin (CNI library 1.0.1,
// spec up to 1.0.0) speaks the same version, on both side by side: error
// codes and messages for the same bad inputs, VERSION, prevResult chaining;
// then what only 1.1.0 has (STATUS, GC) and IPAM: the built-in host-local
// store shared by concurrent ADDs and by the reference plugins.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { runCni, SUPPORTED_VERSIONS } from '../../src/cni/index.js';
import { ip, ipJson, requireRoot } from '../helpers/netns.js';
import { cniEnv, execPlugin, nlkitArgv, pods, REFERENCE_BRIDGE, run, sideBySide, staticConfig, withPrev, type Which } from './helpers.js';

if (!requireRoot(t)) process.exit(0);

const BOTH: Which[] = ['reference', 'nlkit'];

t.test('bad inputs: the same error codes (and messages where the wording is the spec library\'s) from both plugins', async (t) => {
  const { outer } = sideBySide(t);
  const [pod, busy] = pods(t, 2);
  // An interface already named eth0 in the pod: ADD must refuse to take the name.
  ip(busy!.name, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'other0');
  const add = (fields: Record<string, string> = {}) => cniEnv('ADD', { containerId: 'bad', netns: pod!.path, ifname: 'eth0', ...fields });
  const good = staticConfig('10.78.0.5/24');
  const cases: { what: string; env: Record<string, string>; config: unknown; code: number; msg?: string | RegExp }[] = [
    { what: 'unknown CNI_COMMAND', env: { ...add(), CNI_COMMAND: 'FROB' }, config: good, code: 4, msg: 'unknown CNI_COMMAND: FROB' },
    { what: 'ADD without CNI_NETNS', env: cniEnv('ADD', { containerId: 'bad', ifname: 'eth0' }), config: good, code: 4, msg: 'required env variables [CNI_NETNS] missing' },
    { what: 'an interface name over 15 bytes', env: add({ ifname: 'eth0123456789abc' }), config: good, code: 4, msg: 'interface name is too long' },
    { what: 'an interface name with a slash', env: add({ ifname: 'eth/0' }), config: good, code: 4, msg: 'interface name contains / or : or whitespace characters' },
    { what: 'a container id with invalid characters', env: add({ containerId: 'bad id!' }), config: good, code: 4, msg: 'invalid characters in containerID' },
    { what: 'stdin that is not JSON', env: add(), config: '{"cniVersion": "1.0.0", ', code: 6 },
    { what: 'stdin that is not JSON and a bad interface name: the configuration is checked first', env: add({ ifname: 'eth/0' }), config: '[', code: 6 },
    { what: 'an interface name with a slash and an unknown cniVersion: the name is checked first', env: add({ ifname: 'eth/0' }), config: { ...good, cniVersion: '9.9.9' }, code: 4 },
    { what: 'no network name', env: add(), config: { ...good, name: undefined }, code: 7, msg: 'missing network name' },
    { what: 'a network name with invalid characters', env: add(), config: { ...good, name: 'bad name' }, code: 7, msg: 'invalid characters found in network name' },
    { what: 'an unknown cniVersion', env: add(), config: { ...good, cniVersion: '2.0.0' }, code: 1, msg: 'incompatible CNI versions' },
    { what: 'a VLAN id out of range', env: add(), config: { ...good, vlan: 5000 }, code: 999, msg: 'invalid VLAN ID 5000 (must be between 0 and 4094)' },
    { what: 'hairpinMode with promiscMode', env: add(), config: { ...good, hairpinMode: true, promiscMode: true }, code: 999, msg: 'cannot set hairpin mode and promiscuous mode at the same time.' },
    { what: 'mtu that is not a number', env: add(), config: { ...good, mtu: 'big' }, code: 999, msg: /^failed to load netconf: / },
    { what: 'a namespace path that does not exist', env: add({ netns: '/run/netns/nlkit-test-no-such-namespace' }), config: good, code: 999, msg: /^failed to open netns "\/run\/netns\/nlkit-test-no-such-namespace": / },
    { what: 'CNI_ARGS with a key the bridge does not know, without IgnoreUnknown', env: add({ args: 'IP=10.78.0.9' }), config: good, code: 999, msg: 'ARGS: unknown args ["IP=10.78.0.9"]' },
    { what: 'CNI_ARGS with a pair without =', env: add({ args: 'IgnoreUnknown=1;oops' }), config: good, code: 999, msg: 'ARGS: invalid pair "oops"' },
    { what: 'CNI_ARGS with a MAC that is not one', env: add({ args: 'MAC=zz:00:00:00:00:01' }), config: good, code: 999 },
    { what: 'CNI_IFNAME already taken in the pod', env: add({ netns: busy!.path }), config: good, code: 999, msg: 'container veth name provided (eth0) already exists' },
  ];
  for (const c of cases) {
    for (const which of BOTH) {
      const r = await run(which, outer[which], c.env, c.config);
      t.equal(r.exitCode, 1, `${which}: ${c.what}: exit 1`);
      t.equal(r.json?.code, c.code, `${which}: ${c.what}: code ${c.code} (${r.json?.msg})`);
      if (c.msg !== undefined) t.match(r.json?.msg, c.msg, `${which}: ${c.what}: message`);
    }
    t.equal((await run('nlkit', outer.nlkit, c.env, c.config)).json.cniVersion !== undefined, true, `nlkit: ${c.what}: the error names its cniVersion (spec 1.0.0)`);
  }
  t.same(ipJson(pod!.name, 'link', 'show').map((l: any) => l.ifname), ['lo'], 'no failed ADD left anything in the pod');
  t.same(ipJson(busy!.name, 'link', 'show').map((l: any) => l.ifname).sort(), ['eth0', 'lo', 'other0'], 'the taken name was left alone');
});

t.test('VERSION: supported versions, the input cniVersion echoed; versions before 0.4.0 refused', async (t) => {
  const nlkit = await runCni({ CNI_COMMAND: 'VERSION' }, '{"cniVersion":"1.0.0"}');
  t.same(JSON.parse(nlkit.stdout), { cniVersion: '1.0.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] });
  t.same(SUPPORTED_VERSIONS, ['0.4.0', '1.0.0', '1.1.0']);
  const { outer } = sideBySide(t);
  const reference = await execPlugin(outer.reference, [REFERENCE_BRIDGE], { CNI_COMMAND: 'VERSION' }, '{"cniVersion":"1.0.0"}');
  t.same(Object.keys(JSON.parse(nlkit.stdout)), Object.keys(reference.json), 'the same keys as the reference prints');
  t.equal(reference.json.cniVersion, '1.0.0', 'the reference echoes the input version too');
  const none = await runCni({ CNI_COMMAND: 'VERSION' }, '');
  t.equal(JSON.parse(none.stdout).cniVersion, '1.1.0', 'without input: the newest version');
  const old = await runCni(cniEnv('ADD', { containerId: 'old', netns: '/proc/self/ns/net', ifname: 'eth0' }), JSON.stringify(staticConfig('10.78.1.5/24', {}, '0.3.1')));
  t.same([old.exitCode, JSON.parse(old.stdout).code, JSON.parse(old.stdout).msg], [1, 1, 'incompatible CNI versions']);
  t.equal(JSON.parse(old.stdout).details, 'config is "0.3.1", plugin supports ["0.4.0" "1.0.0" "1.1.0"]');
});

t.test('ADD with a prevResult: the earlier plugin\'s interfaces and addresses are kept, in front of this one\'s', async (t) => {
  const { outer } = sideBySide(t);
  const [pod] = pods(t, 1);
  const prev = { cniVersion: '1.0.0', interfaces: [{ name: 'tap0', mac: '02:00:00:00:00:01', sandbox: pod!.path }], ips: [{ interface: 0, address: '192.0.2.9/24' }], dns: { nameservers: ['192.0.2.53'] } };
  const config = staticConfig('10.78.2.5/24', { dns: undefined });
  const r = await run('nlkit', outer.nlkit, cniEnv('ADD', { containerId: 'chained', netns: pod!.path, ifname: 'eth0' }), withPrev(config, prev));
  t.equal(r.exitCode, 0, r.stdout);
  t.same(r.json.interfaces.map((i: any) => i.name).filter((n: string) => !n.startsWith('veth')), ['tap0', 'cni0', 'eth0']);
  t.same(r.json.ips, [{ interface: 0, address: '192.0.2.9/24' }, { interface: 3, address: '10.78.2.5/24', gateway: '10.78.2.1' }], 'this plugin\'s address points at its pod end, after the earlier interfaces');
  t.same(r.json.dns, { nameservers: ['192.0.2.53'] }, 'DNS passed through when this network sets none');
});

t.test('in a chain with the reference plugins: tuning takes nlkit-bridge\'s result as prevResult, and nlkit-bridge CHECKs tuning\'s', async (t) => {
  const { outer } = sideBySide(t);
  const [pod] = pods(t, 1);
  const bridge = staticConfig('10.78.5.5/24');
  const env = (command: string) => cniEnv(command, { containerId: 'chain', netns: pod!.path, ifname: 'eth0' });
  const added = await run('nlkit', outer.nlkit, env('ADD'), bridge);
  t.equal(added.exitCode, 0, added.stdout);
  const tuning = { cniVersion: '1.0.0', name: 'nlkit-test', type: 'tuning', sysctl: { 'net.ipv4.conf.eth0.arp_filter': '1' }, prevResult: added.json };
  const tuned = await execPlugin(outer.nlkit, ['/usr/lib/cni/tuning'], env('ADD'), tuning);
  t.equal(tuned.exitCode, 0, `the reference tuning plugin accepts the result (${tuned.stdout.trim().slice(0, 200)})`);
  t.same(tuned.json, added.json, 'and passes it on unchanged');
  const check = await run('nlkit', outer.nlkit, env('CHECK'), withPrev(bridge, tuned.json));
  t.equal(check.exitCode, 0, `nlkit-bridge CHECKs the chain's final result (${check.stdout.trim()})`);
});

t.test('STATUS and GC (spec 1.1.0)', async (t) => {
  const { outer, dataDir } = sideBySide(t);
  const [a, b] = pods(t, 2);
  const hostLocal = (cniVersion = '1.1.0') => ({
    cniVersion, name: 'gcnet', type: 'nlkit-bridge', bridge: 'cni0', isGateway: true,
    ipam: { type: 'host-local', subnet: '10.78.3.0/24', dataDir },
  });
  const status = (config: unknown) => run('nlkit', outer.nlkit, cniEnv('STATUS'), config);
  t.same([(await status(hostLocal())).exitCode, (await status(hostLocal())).stdout], [0, ''], 'ready with the built-in host-local: exit 0, nothing printed');
  const old = await status(hostLocal('1.0.0'));
  t.same([old.exitCode, old.json.code, old.json.msg], [1, 1, 'config version does not allow STATUS']);
  const missing = await status({ ...hostLocal(), ipam: { type: 'no-such-ipam' } });
  t.same([missing.exitCode, missing.json.code], [1, 50], 'an IPAM plugin that is not on CNI_PATH: 50, not available');
  t.equal((await status({ ...hostLocal(), ipam: { type: 'static', addresses: [{ address: '10.78.3.9/24' }] } })).exitCode, 0, 'a delegated IPAM without STATUS (spec < 1.1.0) is not asked');

  const addA = await run('nlkit', outer.nlkit, cniEnv('ADD', { containerId: 'keep', netns: a!.path, ifname: 'eth0' }), hostLocal());
  const addB = await run('nlkit', outer.nlkit, cniEnv('ADD', { containerId: 'leak', netns: b!.path, ifname: 'eth0' }), hostLocal());
  t.same([addA.exitCode, addB.exitCode], [0, 0]);
  const reserved = () => readdirSync(join(dataDir, 'gcnet')).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)).sort();
  t.same(reserved(), ['10.78.3.2', '10.78.3.3']);
  const gcNoList = await run('nlkit', outer.nlkit, cniEnv('GC'), hostLocal());
  t.same([gcNoList.exitCode, gcNoList.json.code], [1, 7], 'GC without the list of valid attachments releases nothing and says why');
  const gc = await run('nlkit', outer.nlkit, cniEnv('GC'), { ...hostLocal(), 'cni.dev/valid-attachments': [{ containerID: 'keep', ifname: 'eth0' }] });
  t.same([gc.exitCode, gc.stdout], [0, '']);
  t.same(reserved(), ['10.78.3.2'], 'the leaked allocation was released, the valid one kept');
  const del = await run('nlkit', outer.nlkit, cniEnv('DEL', { containerId: 'keep', netns: a!.path, ifname: 'eth0' }), hostLocal());
  t.equal(del.exitCode, 0);
  t.same(reserved(), [], 'DEL released the address');
});

t.test('concurrent ADDs (executables) share one host-local range, and the reference plugins share its state', async (t) => {
  const { outer, dataDir } = sideBySide(t);
  const list = pods(t, 4);
  const config = {
    cniVersion: '1.0.0', name: 'shared', type: 'bridge', bridge: 'cni0', isGateway: true, isDefaultGateway: true,
    ipam: { type: 'host-local', ranges: [[{ subnet: '10.78.4.0/24', rangeStart: '10.78.4.10', rangeEnd: '10.78.4.20' }]], dataDir },
  };
  const adds = await Promise.all(list.slice(0, 3).map((p, i) => execPlugin(outer.nlkit, nlkitArgv(), cniEnv('ADD', { containerId: `par${i}`, netns: p.path, ifname: 'eth0' }), config)));
  for (const r of adds) t.equal(r.exitCode, 0, r.stdout);
  const addresses = adds.map((r) => r.json?.ips?.[0]?.address);
  t.equal(new Set(addresses).size, 3, `three distinct addresses: ${addresses.join(' ')}`);
  // The reference bridge with the reference host-local, on the same data directory, in nlkit's host namespace.
  const ref = await execPlugin(outer.nlkit, [REFERENCE_BRIDGE], cniEnv('ADD', { containerId: 'ref', netns: list[3]!.path, ifname: 'eth0' }), config);
  t.equal(ref.exitCode, 0, ref.stdout);
  t.notOk(addresses.includes(ref.json?.ips?.[0]?.address), `the reference host-local sees nlkit's reservations (${ref.json?.ips?.[0]?.address})`);
  t.ok(existsSync(join(dataDir, 'shared', ref.json.ips[0].address.split('/')[0])), 'and records its own in the same format');
  const del = await run('nlkit', outer.nlkit, cniEnv('DEL', { containerId: 'ref', netns: list[3]!.path, ifname: 'eth0' }), config);
  t.equal(del.exitCode, 0, 'nlkit-bridge DELs what the reference added (built-in host-local releasing its reservation)');
  t.notOk(existsSync(join(dataDir, 'shared', ref.json.ips[0].address.split('/')[0])), 'reservation released');
});
