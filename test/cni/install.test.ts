// The DaemonSet's install program against a fake API server (https with a
// certificate made here by openssl, and the service account's bearer token):
// the conflist with the Node's pod CIDRs and the plugin executables land in
// temp directories, a rerun changes nothing, a Node without a pod CIDR fails
// with a message that says what to do; then the installed nlkit-bridge, run
// as a runtime runs it (`ip netns exec` with the CNI environment), serves ADD
// and DEL with the rendered conflist inside a namespace that plays the host,
// through the agent and standalone on the Node.js the install copied.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_AGENT_SOCKET, startCniAgent } from '../../src/cni/agent/index.js';
import { PLUGIN_NAMES } from '../../src/cni/plugins.js';
import {
  CniInstallError, fetchNode, inClusterApiServer, installCni, launcherScript, PROBE_DEFAULT_SOCKET, probeAgent, renderConflist, runInstall, type ApiServer, type NodeObject,
} from '../../src/cni/install/index.js';
import { ipJson, isRoot, testNetns } from '../helpers/netns.js';
import { cniEnv, execPlugin, nftRuleset, tcJsonIn } from './helpers.js';

const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const TOKEN = 'test-token-0123456789';

const NODES: Record<string, NodeObject> = {
  dual: { metadata: { name: 'dual' }, spec: { podCIDR: '10.244.7.0/24', podCIDRs: ['10.244.7.0/24', 'fd00:10:244:7::/64'] } },
  v4: { metadata: { name: 'v4' }, spec: { podCIDR: '10.244.8.0/24' } },
  bare: { metadata: { name: 'bare' }, spec: {} },
};

// The template the manifest ships (its ConfigMap), with the state in the test's temp dir.
const SHIPPED = (() => {
  const configMap = parseAllDocuments(readFileSync(join(ROOT, 'deploy/kubernetes/nlkit-cni.yaml'), 'utf8')).map((d) => d.toJS()).find((d) => d.kind === 'ConfigMap');
  return JSON.parse(configMap.data['cni-conf.json']);
})();
function template(dataDir: string, ipam: Record<string, unknown> = {}): string {
  const list = structuredClone(SHIPPED);
  list.plugins[0].ipam = { ...list.plugins[0].ipam, dataDir, ...ipam };
  return JSON.stringify(list);
}

/** The fake API server: GET /api/v1/nodes/NAME with the bearer token; counts requests. */
function handler(requests: string[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    requests.push(`${req.method} ${req.url}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { kind: 'Status', message: 'Unauthorized', code: 401 });
    const name = /^\/api\/v1\/nodes\/([^/]+)$/.exec(req.url ?? '')?.[1];
    const node = name === undefined ? undefined : NODES[name];
    if (!node) return send(404, { kind: 'Status', message: `nodes "${name}" not found`, code: 404 });
    send(200, { kind: 'Node', apiVersion: 'v1', ...node });
  };
}

function tempDir(t: Test, tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `nlkit-install-${tag}-`));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A self-signed certificate for 127.0.0.1 (openssl), as the cluster's CA and the server's certificate at once. */
function certificate(dir: string): { key: string; cert: string } {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=nlkit-test-apiserver',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
}

const work = tempDir(t, 'api');
const { key, cert } = certificate(work);
const requests: string[] = [];
const https = createHttpsServer({ key, cert }, handler(requests));
const http = createHttpServer(handler(requests));
await Promise.all([https, http].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
t.teardown(() => {
  https.close();
  http.close();
});
const httpsPort = (https.address() as AddressInfo).port;
const httpPort = (http.address() as AddressInfo).port;
// The service account's files, where the kubelet mounts them.
const accountDir = join(work, 'serviceaccount');
mkdirSync(accountDir);
writeFileSync(join(accountDir, 'token'), `${TOKEN}\n`);
writeFileSync(join(accountDir, 'ca.crt'), cert);
const api: ApiServer = inClusterApiServer({ KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(httpsPort) }, accountDir);

/** Directories as the node has them (bin, conf, state), in a temp dir. */
function nodeDirs(t: Test): { binDir: string; confDir: string; dataDir: string; root: string } {
  const root = tempDir(t, 'node');
  return { root, binDir: join(root, 'opt/cni/bin'), confDir: join(root, 'etc/cni/net.d'), dataDir: join(root, 'var/lib/cni/networks') };
}

const stamp = (path: string) => {
  const s = statSync(path);
  return `${s.ino}:${s.mtimeMs}:${s.mode.toString(8)}`;
};

t.test('the API server as a pod reaches it: https with the service account\'s CA and token', async (t) => {
  t.equal(api.url, `https://127.0.0.1:${httpsPort}`);
  t.equal(api.token, TOKEN, 'the token file, its newline trimmed');
  t.same(await fetchNode(api, 'dual'), { kind: 'Node', apiVersion: 'v1', ...NODES.dual });
  await t.rejects(fetchNode({ ...api, token: 'wrong' }, 'dual'), { name: 'CniInstallError', code: 'EAPI', message: /HTTP 401: Unauthorized .*"get" on nodes/ }, 'a refused token names the RBAC it needs');
  await t.rejects(fetchNode(api, 'missing'), { code: 'EAPI', message: /HTTP 404: nodes "missing" not found/ });
  await t.rejects(fetchNode({ ...api, ca: undefined }, 'dual'), { code: 'EAPI', message: /self-signed|certificate/ }, 'a server the CA does not vouch for is refused');
  await t.rejects(fetchNode({ url: `http://127.0.0.1:${httpPort}/`, token: TOKEN }, 'x y'), { code: 'EINVAL', message: /NODE_NAME "x y" is not a node name/ }, 'a name that is not a DNS subdomain never reaches a URL');
  await t.rejects(fetchNode({ url: 'http://127.0.0.1:1', token: TOKEN }, 'dual'), { code: 'EAPI', message: /ECONNREFUSED/ });
  t.throws(() => inClusterApiServer({}, accountDir), { code: 'EINVAL', message: /KUBERNETES_SERVICE_HOST/ });
  t.throws(() => inClusterApiServer({ KUBERNETES_SERVICE_HOST: '127.0.0.1' }, join(work, 'none')), { code: 'EINVAL', message: /token.*ENOENT.*automountServiceAccountToken/ });
  t.equal(inClusterApiServer({ KUBERNETES_SERVICE_HOST: 'fd00::1' }, accountDir).url, 'https://[fd00::1]:443', 'an IPv6 service address in brackets');
});

t.test('renderConflist: one range set per pod CIDR, the template\'s own subnet wins, bad input refused', async (t) => {
  const dual = renderConflist(NODES.dual, template('/d'));
  t.same(dual.plugins[0]!.ipam, { type: 'host-local', dataDir: '/d', ranges: [[{ subnet: '10.244.7.0/24' }], [{ subnet: 'fd00:10:244:7::/64' }]] });
  t.same(renderConflist(NODES.v4, template('/d')).plugins[0]!.ipam, { type: 'host-local', dataDir: '/d', ranges: [[{ subnet: '10.244.8.0/24' }]] }, 'spec.podCIDR alone');
  const own = renderConflist(undefined, template('/d', { subnet: '192.168.5.0/24' }));
  t.same(own.plugins[0]!.ipam, { type: 'host-local', dataDir: '/d', subnet: '192.168.5.0/24' }, 'a template with a subnet needs no Node');
  t.same(renderConflist(NODES.dual, template('/d', { Ranges: [[{ subnet: '192.168.6.0/24' }]] })).plugins[0]!.ipam, { type: 'host-local', dataDir: '/d', Ranges: [[{ subnet: '192.168.6.0/24' }]] }, 'keys matched without regard to case, as host-local does');
  t.throws(() => renderConflist(NODES.bare, template('/d')), { code: 'ENOPODCIDR', message: /Node object "bare" has no spec.podCIDR.*--allocate-node-cidrs=true.*"subnet"/ });
  t.throws(() => renderConflist({ spec: { podCIDR: '10.1.0.0/33' } }, template('/d')), { code: 'EINVAL', message: /"10.1.0.0\/33" is not an IPv4 or IPv6 CIDR/ });
  t.throws(() => renderConflist({ spec: { podCIDRs: ['10.1.0.0/24', '10.2.0.0/24'] } }, template('/d')), { code: 'EINVAL', message: /more than one pod CIDR of a family/ });
  t.throws(() => renderConflist(NODES.dual, '{"cniVersion":"1.1.0","name":"n","plugins":[]}'), { code: 'EINVAL', message: /non-empty "plugins"/ });
  t.throws(() => renderConflist(NODES.dual, '{'), { code: 'EINVAL', message: /not JSON/ });
  t.throws(() => renderConflist(NODES.dual, { cniVersion: '1.1.0', name: 'n', plugins: [{ bridge: 'x' }] }), { code: 'EINVAL', message: /plugins\[0\].*"type"/ });
  const input = JSON.parse(template('/d'));
  renderConflist(NODES.dual, input);
  t.same(input, JSON.parse(template('/d')), 'the template object is not modified');
});

t.test('installCni writes the conflist and the executables, atomically; a rerun changes nothing', async (t) => {
  const { binDir, confDir, dataDir } = nodeDirs(t);
  const options = { binDir, confDir, template: template(dataDir), nodeName: 'dual', packageDir: ROOT, fetchNode: (name: string) => fetchNode(api, name) };
  const before = requests.length;
  const first = await installCni(options);
  t.same(requests.slice(before), ['GET /api/v1/nodes/dual'], 'one GET of its own Node');
  t.equal(first.conflistPath, join(confDir, '10-nlkit.conflist'));
  t.same(first.podCidrs, ['10.244.7.0/24', 'fd00:10:244:7::/64']);
  t.same(JSON.parse(readFileSync(first.conflistPath, 'utf8')), renderConflist(NODES.dual, template(dataDir)), 'the rendered conflist on disk');
  t.same(readdirSync(binDir).sort(), [...PLUGIN_NAMES].sort(), 'one executable per plugin, no temporary file left');
  t.same(readdirSync(confDir), ['10-nlkit.conflist']);
  for (const plugin of PLUGIN_NAMES) {
    const path = join(binDir, plugin);
    const text = readFileSync(path, 'utf8');
    t.equal(statSync(path).mode & 0o7777, 0o755, `${plugin} executable`);
    t.match(text, /^#!\/usr\/bin\/perl\n/, `${plugin}: the agent's client`);
    t.match(text, `my $entry = '${ROOT}/dist/cni/bin/${plugin}.js';`, `${plugin}: runs the package's entry point standalone`);
    t.match(text, DEFAULT_AGENT_SOCKET, `${plugin}: reaches the agent's default socket`);
  }
  t.equal(first.written.length, PLUGIN_NAMES.length + 1);
  t.equal(statSync(first.conflistPath).mode & 0o7777, 0o644);
  const stamps = [first.conflistPath, ...first.executables].map(stamp);

  const again = await installCni(options);
  t.same(again.written, [], 'the rerun wrote nothing');
  t.same([again.conflistPath, ...again.executables].map(stamp), stamps, 'same inodes, times and modes');
  t.same(again.conflist, first.conflist);

  // The Node's CIDR changed (a node re-registered): the conflist is replaced by rename, the executables stay.
  const v4 = await installCni({ ...options, nodeName: 'v4' });
  t.same(v4.written, [first.conflistPath]);
  t.not(stamp(first.conflistPath).split(':')[0], stamps[0]!.split(':')[0], 'a new inode: renamed over the old file, never rewritten in place');
  t.same(JSON.parse(readFileSync(first.conflistPath, 'utf8')).plugins[0].ipam.ranges, [[{ subnet: '10.244.8.0/24' }]]);
  t.same(readdirSync(confDir), ['10-nlkit.conflist'], 'no temporary file left');
});

t.test('failures write nothing and say what to do', async (t) => {
  const { binDir, confDir, dataDir, root } = nodeDirs(t);
  const base = { binDir, confDir, template: template(dataDir), packageDir: ROOT, fetchNode: (name: string) => fetchNode(api, name) };
  await t.rejects(installCni({ ...base, nodeName: 'bare' }), { name: 'CniInstallError', code: 'ENOPODCIDR', message: /"bare" has no spec.podCIDR/ });
  await t.rejects(installCni({ ...base, nodeName: 'missing' }), { code: 'EAPI', message: /404/ });
  await t.rejects(installCni({ ...base, nodeName: undefined }), { code: 'EINVAL', message: /set NODE_NAME/ });
  await t.rejects(installCni({ ...base, nodeName: 'dual', packageDir: root }), { code: 'EPACKAGE', message: /lacks .*dist\/cni\/bin\/nlkit-bridge.js.*npm run build/ });
  await t.rejects(installCni({ ...base, nodeName: 'dual', binDir: 'opt/cni/bin' }), { code: 'EINVAL', message: /binDir must be an absolute path/ });
  await t.rejects(installCni({ ...base, nodeName: 'dual', confName: '../x.conflist' }), { code: 'EINVAL', message: /confName/ });
  await t.rejects(installCni({ ...base, nodeName: 'dual', launcher: 'python' as 'sh' }), { code: 'EINVAL', message: /launcher must be perl or sh/ });
  t.notOk(existsSync(binDir) || existsSync(confDir), 'nothing was created');
  // A template with its own subnet: the API server is not asked.
  const before = requests.length;
  const own = await installCni({ ...base, template: template(dataDir, { subnet: '192.168.9.0/24' }), fetchNode: () => Promise.reject(new Error('not to be called')) });
  t.equal(requests.length, before);
  t.same(own.podCidrs, []);
  t.ok(new CniInstallError('EAPI', 'x') instanceof Error);
});

t.test('the program (main.js): environment in, one line out, exit codes', async (t) => {
  const { binDir, confDir, dataDir, root } = nodeDirs(t);
  const templatePath = join(root, 'cni-conf.json');
  writeFileSync(templatePath, template(dataDir));
  const env = (nodeName: string) => ({
    NODE_NAME: nodeName, NLKIT_CNI_TEMPLATE: templatePath, NLKIT_CNI_BIN_DIR: binDir, NLKIT_CNI_CONF_DIR: confDir, NLKIT_CNI_LAUNCHER: 'sh',
    KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(httpsPort),
  });
  const io = () => {
    const out = { stdout: '', stderr: '' };
    return { out, io: { stdout: (s: string) => (out.stdout += s), stderr: (s: string) => (out.stderr += s) } };
  };
  // In-process: a server that wants a token and gets none.
  const a = io();
  t.equal(await runInstall([], { ...env('v4'), NLKIT_API_SERVER: `http://127.0.0.1:${httpPort}` }, a.io), 1, 'no token: refused');
  t.match(a.out.stderr, /^nlkit-cni-install: GET http:\/\/127.0.0.1:\d+\/api\/v1\/nodes\/v4: HTTP 401/);
  const b = io();
  t.equal(await runInstall(['--bogus'], env('v4'), b.io), 2);
  const c = io();
  t.equal(await runInstall([], { ...env('v4'), NLKIT_CNI_TEMPLATE: join(root, 'none.json') }, c.io), 1);
  t.match(c.out.stderr, /cannot read the conflist template .*none.json: ENOENT \(EINVAL\)/);
  // As a process, the way the initContainer runs it: https, the service account's token and CA.
  const run = (nodeName: string) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import=tsx', join(ROOT, 'src/cni/install/main.ts')], {
      env: { PATH: process.env.PATH, ...env(nodeName), NLKIT_SERVICE_ACCOUNT_DIR: accountDir }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const [refused, done] = await Promise.all([run('bare'), run('dual')]);
  t.equal(refused.code, 1, 'a Node without a pod CIDR: exit 1');
  t.match(refused.stderr, /^nlkit-cni-install: the Node object "bare" has no spec.podCIDR.*\(ENOPODCIDR\)\n$/, 'one line naming the failure, what to do, and its code');
  t.equal(refused.stdout, '');
  t.equal(done.code, 0, `exit 0 ${done.stderr}`);
  t.match(done.stdout, /^nlkit-cni-install: .*10-nlkit.conflist with the Node's pod CIDRs 10.244.7.0\/24, fd00:10:244:7::\/64; plugins .*nlkit-bridge.*; wrote 4 files\n$/);
  t.match(readFileSync(join(binDir, 'nlkit-bridge'), 'utf8'), /^#!\/bin\/sh\nexec|^#!\/bin\/sh\n#[^\n]*\nexec 'node' '[^']*\/dist\/cni\/bin\/nlkit-bridge.js'\n$/, 'NLKIT_CNI_LAUNCHER=sh: a standalone shell script');
  const version = execFileSync(join(binDir, 'nlkit-bridge'), [], { input: '{"cniVersion":"1.0.0"}', encoding: 'utf8', env: { PATH: process.env.PATH, CNI_COMMAND: 'VERSION' } });
  t.same(JSON.parse(version), { cniVersion: '1.0.0', supportedVersions: ['0.4.0', '1.0.0', '1.1.0'] }, 'and it runs the plugin');
  const help = io();
  t.equal(await runInstall(['--help'], {}, help.io), 0);
  t.match(help.out.stdout, /NODE_NAME/);
});

t.test('the Node.js copy: runs on its own loader and libraries, and the executables fall back to it', async (t) => {
  const { binDir, confDir, dataDir, root } = nodeDirs(t);
  const runtimeDir = join(root, 'opt/nlkit/0.0.0/runtime');
  const result = await installCni({ binDir, confDir, template: template(dataDir, { subnet: '10.9.0.0/24' }), packageDir: ROOT, runtimeDir });
  const [command] = result.nodeCommands;
  t.same(command, [join(runtimeDir, 'lib/ld-linux-x86-64.so.2'), '--library-path', join(runtimeDir, 'lib'), join(runtimeDir, 'node')]);
  t.same(result.nodeCommands[1], ['node'], 'then node from PATH');
  // Its own loader and libraries are what it maps, not the system's.
  const out = execFileSync(command![0]!, [...command!.slice(1), '-e', "process.stdout.write(process.version + '\\n' + require('fs').readFileSync('/proc/self/maps','utf8'))"], { encoding: 'utf8', env: {} });
  const [version, ...maps] = out.split('\n');
  t.equal(version, process.version);
  const libraries = [...new Set(maps.map((l) => / (\/\S+\.so[.\d]*)$/.exec(l)?.[1]).filter((p): p is string => p !== undefined))];
  t.ok(libraries.length >= 3 && libraries.every((p) => p.startsWith(runtimeDir)), `every shared object from the copy: ${libraries.join(' ')}`);
  t.match(readFileSync(join(binDir, 'nlkit-bridge'), 'utf8'), `my @nodes = (['${command![0]}', '--library-path'`, 'the executables try the copy first');
  // The shell launcher (NLKIT_CNI_LAUNCHER=sh) runs the copy too, with no node on PATH.
  const sh = join(root, 'nlkit-bridge.sh');
  writeFileSync(sh, launcherScript('sh', 'nlkit-bridge', join(ROOT, 'dist/cni/bin/nlkit-bridge.js'), result.nodeCommands), { mode: 0o755 });
  const shVersion = () => execFileSync(sh, [], { input: '{"cniVersion":"1.1.0"}', encoding: 'utf8', env: { PATH: join(root, 'no-node'), CNI_COMMAND: 'VERSION' }, stdio: ['pipe', 'pipe', 'ignore'] });
  if (existsSync(join(ROOT, 'dist/cni/bin/nlkit-bridge.js'))) t.match(shVersion(), /"supportedVersions":\["0.4.0","1.0.0","1.1.0"\]/, 'sh launcher: VERSION on the copy');
  const manifest = statSync(join(runtimeDir, 'manifest')).ino;
  await installCni({ binDir, confDir, template: template(dataDir, { subnet: '10.9.0.0/24' }), packageDir: ROOT, runtimeDir });
  t.equal(statSync(join(runtimeDir, 'manifest')).ino, manifest, 'a complete copy is not made again');
  t.same(readdirSync(join(root, 'opt/nlkit/0.0.0')), ['runtime'], 'no temporary directory left');
});

t.test('the installed nlkit-bridge serves ADD and DEL with the rendered conflist', { skip: !isRoot && 'needs root' }, async (t) => {
  if (!existsSync(join(ROOT, 'dist/cni/bin/nlkit-bridge.js'))) {
    t.fail('dist/cni/bin/nlkit-bridge.js is missing: npm run build');
    return;
  }
  const { binDir, confDir, dataDir, root } = nodeDirs(t);
  const runtimeDir = join(root, 'opt/nlkit/0.0.0/runtime');
  const installed = await installCni({ binDir, confDir, template: template(dataDir), nodeName: 'dual', packageDir: ROOT, runtimeDir, fetchNode: (name) => fetchNode(api, name) });
  const [outer] = testNetns(t, 1, 'insthost');
  const pods = testNetns(t, 2, 'instpod');
  const list = JSON.parse(readFileSync(installed.conflistPath, 'utf8'));
  // The runtime's view of the first plugin of the list.
  const config = { cniVersion: list.cniVersion, name: list.name, ...list.plugins[0] };
  // Never the host's agent or DEL queue: the test's own paths.
  const socketPath = join(root, 'run/nlkit/cni.sock');
  // A PATH with `ip` and no node: a standalone call can only run on the copied Node.js.
  const pathDir = join(root, 'path');
  mkdirSync(pathDir);
  symlinkSync(execFileSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).trim(), join(pathDir, 'ip'));
  const base = { NLKIT_CNI_AGENT_SOCKET: socketPath, NLKIT_CNI_DEL_QUEUE: join(root, 'del-queue'), PATH: pathDir };
  const call = (command: string, pod: string, id: string) => execPlugin(outer!, [join(binDir, 'nlkit-bridge')], { ...cniEnv(command, { containerId: id, netns: `/run/netns/${pod}`, ifname: 'eth0', path: binDir }), ...base }, config);
  const podAddresses = (pod: string) => ipJson(pod, 'addr', 'show', 'dev', 'eth0')[0].addr_info.filter((a: any) => a.scope === 'global').map((a: any) => `${a.local}/${a.prefixlen}`);

  // Standalone: no agent on the socket, so the executable runs the package's plugin on the copied Node.js.
  const standalone = await call('ADD', pods[0]!, 'pod-standalone');
  t.equal(standalone.exitCode, 0, `ADD standalone: ${standalone.stdout}`);
  const addresses = standalone.json?.ips?.map((ip: any) => ip.address);
  t.same(addresses, ['10.244.7.2/24', 'fd00:10:244:7::2/64'], 'an address from each of the Node\'s pod CIDRs');
  t.same(podAddresses(pods[0]!), addresses, 'ip -j addr in the pod agrees');
  t.same(readdirSync(join(dataDir, 'nlkit')).filter((f) => !f.startsWith('last_reserved') && f !== 'lock').sort(), ['10.244.7.2', 'fd00:10:244:7::2'], 'host-local\'s files in the state directory');

  // Through the agent (started here with the outer namespace as its host).
  const agent = await startCniAgent({ socketPath, runOptions: { hostNetns: outer! } });
  t.teardown(() => agent.close());
  t.equal(PROBE_DEFAULT_SOCKET, DEFAULT_AGENT_SOCKET);
  t.equal(await probeAgent({ socketPath }), '', 'the liveness probe: the agent answers');
  t.equal(await probeAgent({ socketPath, conflistPath: installed.conflistPath }), '', 'the readiness probe: STATUS with the installed conflist succeeds');
  const unknown = join(root, 'unknown.conflist');
  writeFileSync(unknown, JSON.stringify({ ...list, plugins: [{ type: 'nlkit-nothing' }] }));
  t.match(await probeAgent({ socketPath, conflistPath: unknown }), /^exit 1: .*"code":4.*unknown plugin .*nlkit-nothing/, 'a STATUS the agent refuses fails the probe');
  t.match(await probeAgent({ socketPath, conflistPath: join(root, 'none.conflist') }), /cannot read .*none.conflist/);
  const viaAgent = await call('ADD', pods[1]!, 'pod-agent');
  t.equal(viaAgent.exitCode, 0, `ADD through the agent: ${viaAgent.stdout}`);
  t.same(viaAgent.json?.ips?.map((ip: any) => ip.address), ['10.244.7.3/24', 'fd00:10:244:7::3/64']);
  t.same(podAddresses(pods[1]!), ['10.244.7.3/24', 'fd00:10:244:7::3/64']);
  // The rest of the list, as a runtime chains it: each plugin gets the previous result, and the capabilities it asks for.
  const runtimeConfig = { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }], bandwidth: { ingressRate: 8_000_000, ingressBurst: 800_000, egressRate: 8_000_000, egressBurst: 800_000 } };
  const chainedCall = (command: string, index: number, prevResult: unknown) => {
    const plugin = list.plugins[index];
    const conf = { cniVersion: list.cniVersion, name: list.name, ...plugin, runtimeConfig: Object.fromEntries(Object.keys(plugin.capabilities).map((c) => [c, (runtimeConfig as any)[c]])), prevResult };
    return execPlugin(outer!, [join(binDir, plugin.type)], { ...cniEnv(command, { containerId: 'pod-agent', netns: `/run/netns/${pods[1]}`, ifname: 'eth0', path: binDir }), ...base }, conf);
  };
  let result = viaAgent.json;
  for (const index of [1, 2]) {
    const added = await chainedCall('ADD', index, result);
    t.equal(added.exitCode, 0, `ADD ${list.plugins[index].type}: ${added.stdout}`);
    result = added.json;
  }
  const hostportRules = () => nftRuleset(outer!).filter((e) => e.rule?.table === 'nlkit-cni-hostport').map((e) => JSON.stringify(e.rule.expr));
  t.ok(hostportRules().some((r) => r.includes('8080') && r.includes('10.244.7.3')), 'nft -j: the hostPort 8080 → 10.244.7.3:80 rule');
  const hostEnd = viaAgent.json.interfaces.find((i: any) => i.name.startsWith('veth')).name;
  t.same(tcJsonIn(outer!, 'qdisc', 'show', 'dev', hostEnd).filter((q: any) => q.kind === 'tbf').length, 1, 'tc -j: the bandwidth limit on the host end');
  t.equal(agent.answered, 6, 'the agent served the probes and the three ADDs');
  for (const index of [2, 1]) t.equal((await chainedCall('DEL', index, result)).exitCode, 0, `DEL ${list.plugins[index].type}`);
  t.same(hostportRules(), [], 'the hostPort rule is gone');
  for (const [pod, id] of [[pods[0]!, 'pod-standalone'], [pods[1]!, 'pod-agent']] as const) {
    const del = await call('DEL', pod, id);
    t.equal(del.exitCode, 0, `DEL ${id}`);
    t.same(ipJson(pod, 'link', 'show').map((l: any) => l.ifname), ['lo'], `${id}: eth0 gone from the pod`);
  }
  t.same(readdirSync(join(dataDir, 'nlkit')).filter((f) => !f.startsWith('last_reserved') && f !== 'lock'), [], 'both addresses released');
  await agent.close();
  t.match(await probeAgent({ socketPath }), /ENOENT|ECONNREFUSED/, 'the probe fails when the agent is gone (no standalone fallback)');
});
