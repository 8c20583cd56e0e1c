// deploy/kubernetes/nlkit-cni.yaml without a cluster: every document parses
// (yaml), validates against the Kubernetes OpenAPI schemas (kubernetes-models'
// validate(), and tsc against its types, which unlike the JSON schemas refuse
// unknown fields such as a misspelt mountPropagation), and agrees with what
// the schemas cannot know: the agent's socket, the plugin names the build
// writes, the package's version and entry points, the paths the install
// program writes to.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import t from 'tap';
import { parseAllDocuments } from 'yaml';
import { DaemonSet } from 'kubernetes-models/apps/v1';
import { ConfigMap, ServiceAccount } from 'kubernetes-models/v1';
import { ClusterRole, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { DEFAULT_AGENT_SOCKET, DEFAULT_DEL_QUEUE } from '../../src/cni/agent/index.js';
import { renderConflist } from '../../src/cni/install/index.js';
import { PLUGIN_NAMES } from '../../src/cni/plugins.js';
import { PROBE_DEFAULT_SOCKET } from '../../src/cni/install/agent-probe.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const MANIFEST = 'deploy/kubernetes/nlkit-cni.yaml';
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; engines: { node: string }; files: string[] };

// Each kind the manifest may hold: its model (validate()) and its type (tsc).
const MODELS: Record<string, { model: new (data: any) => { validate(): void }; type: string; from: string }> = {
  'v1/ServiceAccount': { model: ServiceAccount, type: 'IServiceAccount', from: 'kubernetes-models/v1/ServiceAccount' },
  'v1/ConfigMap': { model: ConfigMap, type: 'IConfigMap', from: 'kubernetes-models/v1/ConfigMap' },
  'rbac.authorization.k8s.io/v1/ClusterRole': { model: ClusterRole, type: 'IClusterRole', from: 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole' },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { model: ClusterRoleBinding, type: 'IClusterRoleBinding', from: 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding' },
  'apps/v1/DaemonSet': { model: DaemonSet, type: 'IDaemonSet', from: 'kubernetes-models/apps/v1/DaemonSet' },
};

function loadDocuments(text: string): any[] {
  const documents = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  if (!Array.isArray(documents)) throw new Error('no documents');
  for (const doc of documents) {
    if (doc.errors.length > 0 || doc.warnings.length > 0) throw new Error([...doc.errors, ...doc.warnings].map((e) => e.message).join('\n'));
  }
  return documents.map((doc) => doc.toJS());
}

const kindOf = (doc: any): string => `${doc.apiVersion}/${doc.kind}`;

/** The schema's verdict: '' when valid, else the validator's message. */
function schemaErrors(doc: any): string {
  const entry = MODELS[kindOf(doc)];
  if (!entry) return `no schema for ${kindOf(doc)}`;
  try {
    new entry.model(doc).validate();
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

/** tsc's verdict on the documents as object literals of their kinds' types (excess properties are errors). */
function typeErrors(docs: any[]): string {
  const blocks = docs.map((doc, i) => {
    const entry = MODELS[kindOf(doc)]!;
    return `import type { ${entry.type} } from '${entry.from}';\nexport const document${i}: ${entry.type} = ${JSON.stringify(doc, null, 2)};\n`;
  });
  // Its own small project (not the repository's tsconfig, which would check all of src/ again).
  const dir = join(ROOT, '.tap', `deploy-manifest-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = blocks.map((block, i) => {
    writeFileSync(join(dir, `document${i}.ts`), block);
    return `document${i}.ts`;
  });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, skipLibCheck: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: [] },
    files,
  }));
  const tsc = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  return tsc.status === 0 ? '' : `${tsc.stdout}${tsc.stderr}${tsc.error ?? ''}` || `tsc exited ${tsc.status}`;
}

const docs = loadDocuments(readFileSync(join(ROOT, MANIFEST), 'utf8'));
const daemonSet = docs.find((d) => d.kind === 'DaemonSet');
const podSpec = daemonSet?.spec?.template?.spec;
const init = podSpec?.initContainers?.find((c: any) => c.name === 'install');
const agent = podSpec?.containers?.find((c: any) => c.name === 'agent');

function envOf(container: any): Record<string, string> {
  return Object.fromEntries((container.env ?? []).filter((e: any) => typeof e.value === 'string').map((e: any) => [e.name, e.value]));
}

/** $(VAR) expanded from the container's own variables, as the kubelet does. */
function expand(container: any, value: string): string {
  const env = envOf(container);
  let out = value;
  for (let i = 0; i < 5; i++) out = out.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name) => env[name] ?? m);
  return out;
}

/** The host path a container's `path` lies on (through its hostPath mounts), or undefined. */
function hostPathOf(container: any, path: string): string | undefined {
  let best: { mount: any; volume: any } | undefined;
  for (const mount of container.volumeMounts ?? []) {
    if (path !== mount.mountPath && !path.startsWith(`${mount.mountPath}/`)) continue;
    const volume = podSpec.volumes.find((v: any) => v.name === mount.name);
    if (volume?.hostPath && (!best || mount.mountPath.length > best.mount.mountPath.length)) best = { mount, volume };
  }
  return best && best.volume.hostPath.path + path.slice(best.mount.mountPath.length);
}

function mountOf(container: any, path: string): any {
  return (container.volumeMounts ?? []).find((m: any) => path === m.mountPath || path.startsWith(`${m.mountPath}/`));
}

t.test('the manifest parses: a ServiceAccount, RBAC, a ConfigMap and a DaemonSet, in kube-system', async (t) => {
  t.same(docs.map(kindOf), ['v1/ServiceAccount', 'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding', 'v1/ConfigMap', 'apps/v1/DaemonSet']);
  for (const doc of docs.filter((d) => !d.kind.startsWith('Cluster'))) t.equal(doc.metadata.namespace, 'kube-system', `${doc.kind} in kube-system`);
  t.throws(() => loadDocuments('a: 1\na: 2\n'), /unique|duplicate/i, 'a duplicate key is an error, not a silent override');
});

t.test('every document validates against the Kubernetes schemas (kubernetes-models)', async (t) => {
  for (const doc of docs) t.equal(schemaErrors(doc), '', `${kindOf(doc)} ${doc.metadata.name}`);
  // The validator does refuse: a container name that is not a string, a DaemonSet without a selector.
  const broken = structuredClone(daemonSet);
  broken.spec.template.spec.containers[0].name = 7;
  t.match(schemaErrors(broken), /containers\/0\/name must be string/);
  const noSelector = structuredClone(daemonSet);
  delete noSelector.spec.selector;
  t.match(schemaErrors(noSelector), /selector/);
});

t.test('no field the Kubernetes types do not have (tsc against kubernetes-models\' types)', async (t) => {
  t.equal(typeErrors(docs), '', 'tsc accepts every document');
  const typo = structuredClone(daemonSet);
  typo.spec.template.spec.containers[0].volumeMounts.at(-1).mountPropagaton = 'HostToContainer';
  t.match(typeErrors([typo]), /mountPropagaton/, 'a misspelt field is caught');
});

t.test('the nlkit version is package.json\'s, and the image is pinned and new enough', async (t) => {
  t.ok(init && agent, 'the install initContainer and the agent container');
  for (const container of [init, agent]) t.equal(envOf(container).NLKIT_VERSION, pkg.version, `${container.name}: NLKIT_VERSION`);
  t.equal(daemonSet.metadata.labels['app.kubernetes.io/version'], pkg.version);
  t.equal(daemonSet.spec.template.metadata.labels['app.kubernetes.io/version'], pkg.version);
  const minimum = /^>=(\d+)\.(\d+)/.exec(pkg.engines.node)!.slice(1).map(Number);
  for (const container of [...podSpec.initContainers, ...podSpec.containers]) {
    const match = /^node:(\d+)\.(\d+)\.(\d+)-bookworm-slim(@sha256:[0-9a-f]{64})?$/.exec(container.image);
    t.ok(match, `${container.name}: ${container.image} is the stock image with its full version`);
    if (match) t.ok(Number(match[1]) > minimum[0]! || (Number(match[1]) === minimum[0] && Number(match[2]) >= minimum[1]!), `${container.image} satisfies engines ${pkg.engines.node}`);
  }
  t.equal(init.image, agent.image, 'one image for both');
  // No other version of nlkit hides in the manifest.
  const text = readFileSync(join(ROOT, MANIFEST), 'utf8');
  t.same([...text.matchAll(/nlkit@([0-9][^"\s]*)/g)].map((m) => m[1]), [], 'the package is installed as nlkit@$NLKIT_VERSION, not a literal version');
  t.match(init.command.join(' '), /"nlkit@\$NLKIT_VERSION"/);
});

t.test('the pod runs where a CNI must: every node, host network, node-critical, rolling update', async (t) => {
  t.equal(podSpec.hostNetwork, true);
  t.equal(podSpec.dnsPolicy, 'Default', 'resolves with the node\'s resolv.conf, since cluster DNS needs pod networking');
  t.equal(podSpec.priorityClassName, 'system-node-critical');
  t.same(podSpec.tolerations, [{ operator: 'Exists' }], 'tolerates every taint');
  t.equal(daemonSet.spec.updateStrategy.type, 'RollingUpdate');
  t.equal(agent.securityContext.privileged, true);
  for (const container of [init, agent]) {
    t.ok(container.resources.requests.cpu && container.resources.requests.memory && container.resources.limits.memory, `${container.name}: requests and a memory limit`);
  }
});

t.test('RBAC: the DaemonSet\'s ServiceAccount may get nodes, and nothing else', async (t) => {
  const role = docs.find((d) => d.kind === 'ClusterRole');
  const binding = docs.find((d) => d.kind === 'ClusterRoleBinding');
  const account = docs.find((d) => d.kind === 'ServiceAccount');
  t.same(role.rules, [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }]);
  t.same(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
  t.same(binding.subjects, [{ kind: 'ServiceAccount', name: account.metadata.name, namespace: account.metadata.namespace }]);
  t.equal(podSpec.serviceAccountName, account.metadata.name);
  t.equal(daemonSet.metadata.namespace, account.metadata.namespace);
});

t.test('the paths agree: the agent\'s socket, the install\'s directories, the package\'s entry points', async (t) => {
  // The plugin executables on the host reach the agent on its default socket.
  const socket = agent.command[agent.command.indexOf('--socket') + 1];
  t.equal(socket, DEFAULT_AGENT_SOCKET, 'the agent listens on the default socket');
  t.equal(PROBE_DEFAULT_SOCKET, DEFAULT_AGENT_SOCKET, 'the probe\'s default is the agent\'s');
  t.equal(hostPathOf(agent, socket), DEFAULT_AGENT_SOCKET, 'at that same path on the host');
  t.equal(mountOf(agent, socket).readOnly, undefined, 'writable (the agent creates the socket)');
  t.equal(hostPathOf(agent, DEFAULT_DEL_QUEUE), DEFAULT_DEL_QUEUE, 'the DEL queue the executables write on the host is the agent\'s');
  // Same path inside and on the host, since the executables and the conflist name them.
  const env = envOf(init);
  const runtimeDir = expand(init, env.NLKIT_CNI_RUNTIME_DIR!);
  for (const path of [env.NLKIT_CNI_BIN_DIR!, env.NLKIT_CNI_CONF_DIR!, runtimeDir, `/opt/nlkit/${pkg.version}`]) {
    t.equal(hostPathOf(init, path), path, `initContainer: ${path} is the host's ${path}`);
    t.notOk(mountOf(init, path).readOnly, `initContainer: ${path} writable`);
  }
  t.equal(hostPathOf(agent, `/opt/nlkit/${pkg.version}`), `/opt/nlkit/${pkg.version}`, 'the agent runs the package the initContainer installed');
  t.equal(hostPathOf(agent, env.NLKIT_CNI_BIN_DIR!), env.NLKIT_CNI_BIN_DIR, 'the agent sees CNI_PATH (delegated IPAM plugins)');
  t.equal(hostPathOf(agent, '/var/lib/cni/networks'), '/var/lib/cni/networks', 'host-local\'s state is the node\'s');
  const netns = mountOf(agent, '/var/run/netns');
  t.equal(netns?.mountPropagation, 'HostToContainer', 'pods\' namespaces mounted after the agent started are seen');
  t.equal(hostPathOf(agent, '/var/run/netns'), '/var/run/netns');
  t.equal(podSpec.hostPID, true, '/proc/PID/ns/net names resolve');
  // The template the install reads is the ConfigMap.
  const configMap = docs.find((d) => d.kind === 'ConfigMap');
  const templateMount = mountOf(init, env.NLKIT_CNI_TEMPLATE!);
  const volume = podSpec.volumes.find((v: any) => v.name === templateMount.name);
  t.equal(volume.configMap.name, configMap.metadata.name);
  t.ok(configMap.data[env.NLKIT_CNI_TEMPLATE!.slice(templateMount.mountPath.length + 1)], 'the template file is a key of the ConfigMap');
  // Readiness asks STATUS with the conflist the install writes.
  const readiness = agent.readinessProbe.exec.command.join(' ');
  t.match(readiness, ` --status ${env.NLKIT_CNI_CONF_DIR}/${env.NLKIT_CNI_CONF_NAME}`);
  t.equal(hostPathOf(agent, `${env.NLKIT_CNI_CONF_DIR}/${env.NLKIT_CNI_CONF_NAME}`), `${env.NLKIT_CNI_CONF_DIR}/${env.NLKIT_CNI_CONF_NAME}`);
  for (const probe of [agent.livenessProbe, agent.readinessProbe]) t.match(probe.exec.command.join(' '), `--socket ${DEFAULT_AGENT_SOCKET}`);
  // The files the commands run are in the package (package.json files: bin, dist).
  const programs = [...init.command.join(' ').matchAll(/node_modules\/nlkit\/(\S+?\.js)/g), ...[...agent.command, ...agent.livenessProbe.exec.command].join(' ').matchAll(/node_modules\/nlkit\/([^\s"]+)/g)].map((m) => m[1]!);
  t.same([...new Set(programs)].sort(), ['bin/nlkit', 'dist/cni/install/main.js', 'dist/cni/install/probe.js']);
  t.ok(existsSync(join(ROOT, 'bin/nlkit')) && pkg.files.includes('bin') && pkg.files.includes('dist'), 'bin/nlkit and dist/ are packed');
  for (const program of ['main', 'probe']) t.ok(existsSync(join(ROOT, `src/cni/install/${program}.ts`)), `tsc writes dist/cni/install/${program}.js from src/cni/install/${program}.ts`);
  t.equal(agent.command.slice(2, 3).join(), 'cni-agent');
  // Every $(VAR) is defined in its container.
  for (const container of [init, agent]) {
    const left = JSON.stringify([container.command, container.args, container.env]).match(/\$\([A-Za-z_]+\)/g)?.filter((m) => !(m.slice(2, -1) in envOf(container))) ?? [];
    t.same(left, [], `${container.name}: no undefined $(VAR)`);
  }
  execFileSync('sh', ['-n', '-c', init.command[2]]);
  t.pass('the initContainer script parses (sh -n)');
});

t.test('the initContainer script: npm once per version, renamed into place, then the install program', async (t) => {
  // Run with /opt/nlkit moved to a temp dir and npm and node replaced by scripts that log their arguments.
  const dir = mkdtempSync(join(tmpdir(), 'nlkit-initscript-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const base = join(dir, 'opt-nlkit');
  const bin = join(dir, 'bin');
  mkdirSync(base);
  mkdirSync(bin);
  writeFileSync(join(bin, 'npm'), `#!/bin/sh
echo "$*" >> ${dir}/npm.log
[ -n "$FAIL_NPM" ] && { mkdir -p "$3/node_modules/nlkit"; exit 1; }
mkdir -p "$3/node_modules/nlkit/dist/cni/install" && echo '// main' > "$3/node_modules/nlkit/dist/cni/install/main.js"
`, { mode: 0o755 });
  writeFileSync(join(bin, 'node'), `#!/bin/sh\necho "$*" >> ${dir}/node.log\n`, { mode: 0o755 });
  const script = init.command[2].replaceAll('/opt/nlkit', base);
  const run = (version: string, extra: Record<string, string> = {}) => spawnSync('/bin/sh', ['-ec', script], { env: { PATH: `${bin}:/usr/bin:/bin`, NLKIT_VERSION: version, ...extra }, encoding: 'utf8' });
  const log = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').trim().split('\n') : []);
  t.equal(run(pkg.version).status, 0);
  t.same(log('npm.log').length, 1, 'npm ran once');
  t.match(log('npm.log')[0], new RegExp(`^install --prefix ${base}/\\.install-\\w+ --omit=dev .*nlkit@${pkg.version.replace(/\./g, '\\.')}$`));
  t.same(log('node.log'), [`${base}/${pkg.version}/node_modules/nlkit/dist/cni/install/main.js`], 'then the install program of that version');
  t.same(readdirSync(base), [pkg.version], 'renamed into place, nothing else left');
  t.equal(statSync(join(base, pkg.version)).mode & 0o777, 0o755, 'readable as the package directory, not mktemp\'s 0700');
  t.equal(run(pkg.version).status, 0);
  t.equal(log('npm.log').length, 1, 'a restart finds the version installed and runs no npm');
  t.equal(log('node.log').length, 2);
  const failed = run('9.9.9', { FAIL_NPM: '1' });
  t.not(failed.status, 0, 'a failed npm fails the container');
  t.equal(log('node.log').length, 2, 'and runs no install program');
  t.same(readdirSync(base), [pkg.version], 'the failed attempt left nothing');
});

t.test('the conflist template: nlkit\'s plugins as the build writes them, with the node\'s subnet filled in', async (t) => {
  const configMap = docs.find((d) => d.kind === 'ConfigMap');
  const template = JSON.parse(configMap.data['cni-conf.json']);
  const built = JSON.parse(/const plugins = (\[[^\]]*\])/.exec(readFileSync(join(ROOT, 'scripts/build-cni.mjs'), 'utf8'))![1]!.replace(/'/g, '"')) as string[];
  for (const plugin of template.plugins) {
    t.ok(built.includes(plugin.type), `${plugin.type} is one of the executables scripts/build-cni.mjs writes (${built.join(', ')})`);
    if (existsSync(join(ROOT, 'dist/cni'))) t.ok(existsSync(join(ROOT, 'dist/cni', plugin.type)), `dist/cni/${plugin.type} is there after the build`);
  }
  t.same([...PLUGIN_NAMES].sort(), [...built].sort(), 'the install writes an executable for each plugin the build makes');
  t.equal(template.plugins[0].ipam.type, 'host-local', 'the built-in IPAM');
  const conflist = renderConflist({ metadata: { name: 'n1' }, spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24', 'fd00:10:244:1::/64'] } }, configMap.data['cni-conf.json']);
  t.same(conflist.plugins[0]!.ipam, { type: 'host-local', dataDir: '/var/lib/cni/networks', ranges: [[{ subnet: '10.244.1.0/24' }], [{ subnet: 'fd00:10:244:1::/64' }]] });
  t.same(conflist.plugins.slice(1), template.plugins.slice(1), 'the chained plugins as they are');
  t.equal(dirname(template.plugins[0].ipam.dataDir), '/var/lib/cni');
});
