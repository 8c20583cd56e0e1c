// A real container gets its network from nlkit-bridge: Debian's containerd
// (1.6) runs as a private daemon (own root, state, socket, /run/containerd)
// in a sandbox whose /etc/cni/net.d and /opt/cni/bin (which `ctr run --cni`
// always reads; ctr has no flag for them) are a temp dir's, inside an outer
// namespace that plays the host. The image is busybox-static, built by
// scripts/build-busybox-image.sh and imported with ctr. Inside the container
// busybox shows eth0's address and route and pings the gateway and another
// container; when ctr removes a container it calls DEL, which must leave no
// veth, no IPAM reservation and no cached result behind.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { startCniAgent, type CniAgent } from '../../src/cni/agent/index.js';
import { ipJson, requireRoot, testNetns } from '../helpers/netns.js';
import { agentEnv, importBusybox, pluginDir, requireTools, startContainerd, TOOLS, type Containerd } from '../helpers/cni-runtime.js';

const NETWORK = 'ctrnet';
const GATEWAY = '10.95.0.1';

interface Setup {
  outer: string;
  containerd: Containerd;
  image: string;
  dataDir: string;
  /** The environment ctr runs with for the plugins to use the agent. */
  env: Record<string, string>;
  /** The environment without an agent: the socket named there does not exist, so the client runs the plugin with Node.js. */
  standaloneEnv: Record<string, string>;
  agent: CniAgent;
}

/** An outer namespace, containerd in it, nlkit's plugins as /opt/cni/bin, a conflist with nlkit-bridge as /etc/cni/net.d, the image, the agent. */
async function setup(t: Test): Promise<Setup> {
  const [outer] = testNetns(t, 1, 'ctrhost');
  const containerd = await startContainerd(t, outer!);
  const { dir } = containerd;
  pluginDir(join(dir, 'bin'));
  const dataDir = join(dir, 'ipam');
  writeFileSync(join(dir, 'net.d', '10-nlkit.conflist'), JSON.stringify({
    cniVersion: '1.0.0', name: NETWORK,
    plugins: [{ type: 'nlkit-bridge', bridge: 'nlkt0', isGateway: true, isDefaultGateway: true, ipam: { type: 'host-local', subnet: '10.95.0.0/24', dataDir } }],
  }));
  const agent = await startCniAgent({ socketPath: join(dir, 'agent.sock'), runOptions: { hostNetns: outer! } });
  t.teardown(() => agent.close());
  const image = await importBusybox(containerd);
  return { outer: outer!, containerd, image, dataDir, env: agentEnv(agent.socketPath, dir), standaloneEnv: agentEnv(join(dir, 'no-agent.sock'), dir), agent };
}

/** What must be gone once every container was removed. */
function leftovers(s: Setup): { veths: string[]; ports: string[]; reserved: string[]; cached: string[] } {
  const dir = join(s.dataDir, NETWORK);
  const results = join(s.containerd.dir, 'lib', 'results');
  return {
    veths: ipJson(s.outer, 'link', 'show', 'type', 'veth').map((l: any) => l.ifname),
    ports: ipJson(s.outer, 'link', 'show', 'master', 'nlkt0').map((l: any) => l.ifname),
    reserved: existsSync(dir) ? readdirSync(dir).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f)) : [],
    cached: existsSync(results) ? readdirSync(results) : [],
  };
}

const NOTHING_LEFT = { veths: [], ports: [], reserved: [], cached: [] };

/** The address busybox's `ip -o -4 addr show dev eth0` printed. */
function addressIn(output: string): string | undefined {
  return /\binet (10\.95\.0\.\d+)\/24\b/.exec(output)?.[1];
}

const ready = requireRoot(t) && requireTools(t, [TOOLS.containerd, TOOLS.ctr, TOOLS.runc, TOOLS.busybox, TOOLS.perl, TOOLS.nsenter]);

if (ready) {
  t.test('ctr run --cni: the container\'s eth0 comes from nlkit-bridge (through the agent): address, default route, the gateway answers; removal DELs', async (t) => {
    const s = await setup(t);
    const script = 'ip -o -4 addr show dev eth0; ip route; ping -c 1 -W 5 ' + GATEWAY + ' >/dev/null && echo gateway-answers';
    const r = await s.containerd.ctr(['run', '--cni', '--rm', s.image, 'one', 'sh', '-c', script], { env: s.env, timeoutMs: 60_000 });
    t.equal(r.code, 0, `ctr run exits 0 (${r.stderr.trim().slice(0, 400)})`);
    const address = addressIn(r.stdout);
    t.ok(address, `eth0 has an address from the range: ${r.stdout.split('\n')[0]}`);
    t.match(r.stdout, /^default via 10\.95\.0\.1 dev eth0/m, 'a default route via the gateway');
    t.match(r.stdout, /^10\.95\.0\.0\/24 dev eth0 scope link\s+src 10\.95\.0\.\d+/m, 'the subnet route');
    t.match(r.stdout, /^gateway-answers$/m, 'the gateway answers a ping from the container');
    const bridge = ipJson(s.outer, 'addr', 'show', 'dev', 'nlkt0')[0];
    t.same(bridge?.addr_info?.filter((a: any) => a.family === 'inet').map((a: any) => `${a.local}/${a.prefixlen}`), [`${GATEWAY}/24`], 'the bridge in the outer namespace holds the gateway address (ip -j addr)');
    t.same(s.agent.answered, 2, 'the agent answered ctr\'s two plugin calls: ADD at start, DEL at removal');
    t.same(leftovers(s), NOTHING_LEFT, 'after removal: no veth, no bridge port, no IPAM reservation, no cached result');
    t.same((await s.containerd.ctr(['containers', 'ls', '-q'])).stdout.trim(), '', 'the container is gone');
  });

  t.test('two containers, the first through the agent, the second standalone (no agent): one pings the other over the bridge; both removals DEL', async (t) => {
    const s = await setup(t);
    let first = '';
    const server = s.containerd.ctrBackground(['run', '--cni', '--rm', s.image, 'server', 'sh', '-c', 'ip -o -4 addr show dev eth0; exec sleep 120'], { env: s.env, onStdout: (text) => { first += text; } });
    let serverAddress: string | undefined;
    for (let waited = 0; (serverAddress = addressIn(first)) === undefined && waited < 45_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    t.ok(serverAddress, `the first container is up with ${serverAddress}`);
    t.equal(ipJson(s.outer, 'link', 'show', 'master', 'nlkt0').length, 1, 'one bridge port while it runs');
    const before = s.agent.answered;
    const client = await s.containerd.ctr(['run', '--cni', '--rm', s.image, 'client', 'sh', '-c', `ip -o -4 addr show dev eth0; ping -c 2 -W 5 ${serverAddress} && echo peer-answers`], { env: s.standaloneEnv, timeoutMs: 60_000 });
    t.equal(s.agent.answered, before, 'the second container\'s ADD and DEL ran standalone, not through the agent');
    t.equal(client.code, 0, `the second container's ping exits 0 (${client.stderr.trim().slice(0, 400)})`);
    t.match(client.stdout, /^peer-answers$/m, 'the other container answers');
    t.not(addressIn(client.stdout), serverAddress, `two addresses (${addressIn(client.stdout)})`);
    t.equal(ipJson(s.outer, 'link', 'show', 'master', 'nlkt0').length, 1, 'the second container\'s port went with its removal');
    const killed = await s.containerd.ctr(['tasks', 'kill', '-s', 'SIGKILL', 'server']);
    t.equal(killed.code, 0, `ctr tasks kill (${killed.stderr.trim()})`);
    const done = await server.done;
    t.equal(done.code, 137, 'ctr run of the first container ends with the task\'s SIGKILL status');
    t.equal(s.agent.answered, before + 1, 'the first container\'s DEL went to the agent');
    t.same(leftovers(s), NOTHING_LEFT, 'after both removals: no veth, no bridge port, no IPAM reservation, no cached result');
  });
}
