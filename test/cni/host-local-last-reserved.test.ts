// last_reserved_ip.N is written over its old bytes (store.ts, overwrite), not
// truncated first: a shorter address after a longer one must still leave
// exactly the reference's bytes, with and without the agent's memory.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostLocalIpam } from '../../src/cni/ipam/host-local/index.js';
import { HostLocalMemory } from '../../src/cni/ipam/host-local/memory.js';
import type { IpamRequest } from '../../src/cni/ipam/types.js';

const REFERENCE = '/usr/lib/cni/host-local';

// .9 then .10 (one byte longer), then back to .9 when .10 is the last one handed out.
const ipamOf = (dataDir: string) => ({ type: 'host-local', dataDir, ranges: [[{ subnet: '10.60.0.0/24', rangeStart: '10.60.0.9', rangeEnd: '10.60.0.10' }]] });
const steps: ['ADD' | 'DEL', string][] = [['ADD', 'a'], ['ADD', 'b'], ['DEL', 'a'], ['ADD', 'c'], ['DEL', 'b'], ['ADD', 'd']];

function reference(command: string, dataDir: string, containerId: string): void {
  const conf = { cniVersion: '1.0.0', name: 'net', ipam: ipamOf(dataDir) };
  const run = spawnSync(REFERENCE, [], {
    input: JSON.stringify(conf),
    env: { PATH: '/usr/bin:/bin', CNI_COMMAND: command, CNI_CONTAINERID: containerId, CNI_NETNS: '/proc/self/ns/net', CNI_IFNAME: 'eth0', CNI_PATH: '/usr/lib/cni' },
  });
  if (run.status !== 0) throw new Error(`reference ${command} ${containerId}: ${run.stdout}`);
}

async function nlkit(command: 'ADD' | 'DEL', dataDir: string, containerId: string, memory?: HostLocalMemory): Promise<string | undefined> {
  const ipam = ipamOf(dataDir);
  const request: IpamRequest = { command, cniVersion: '1.0.0', networkName: 'net', ipam, rawConfig: Buffer.from(JSON.stringify({ cniVersion: '1.0.0', name: 'net', ipam })), containerId, ifname: 'eth0' };
  const result = await hostLocalIpam(request, memory);
  return result?.ips[0]?.address;
}

const lastReserved = (dataDir: string) => readFileSync(join(dataDir, 'net', 'last_reserved_ip.0'), 'latin1');

for (const withMemory of [false, true]) {
  t.test(`a shorter address overwrites a longer one exactly (${withMemory ? 'agent memory' : 'standalone'})`, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'nlkit-last-reserved-'));
    t.teardown(() => rmSync(root, { recursive: true, force: true }));
    const memory = withMemory ? new HostLocalMemory() : undefined;
    const ours = join(root, 'nlkit');
    const got: (string | undefined)[] = [];
    for (const [command, id] of steps) got.push(await nlkit(command, ours, id, memory));
    t.same(got, ['10.60.0.9/24', '10.60.0.10/24', undefined, '10.60.0.9/24', undefined, '10.60.0.10/24'], 'round-robin over the two addresses');
    // After c took .9 the file went from "10.60.0.10" to "10.60.0.9": no stray "0".
    t.equal(lastReserved(ours), '10.60.0.10', 'last step: the longer address');
    await nlkit('DEL', ours, 'c', memory);
    t.equal(await nlkit('ADD', ours, 'e', memory), '10.60.0.9/24');
    t.equal(lastReserved(ours), '10.60.0.9', 'the shorter address, its tail cut');
    t.equal(statSync(join(ours, 'net', 'last_reserved_ip.0')).mode & 0o777, 0o644, 'mode 0644 as host-local creates it');
    if (!existsSync(REFERENCE)) return;
    const theirs = join(root, 'reference');
    for (const [command, id] of [...steps, ['DEL', 'c'], ['ADD', 'e']] as ['ADD' | 'DEL', string][]) reference(command, theirs, id);
    t.equal(lastReserved(ours), lastReserved(theirs), 'the same bytes as the reference');
  });
}
