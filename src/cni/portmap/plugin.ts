// nlkit-portmap's commands. A chained plugin: it reads the container's
// addresses from prevResult and passes that result on unchanged.
import { isDeepStrictEqual } from 'node:util';
import { openRoute, type RuleBuilder } from '../../index.js';
import { withHostNftables } from '../agent/cache.js';
import type { CniCall } from '../call.js';
import { CniError, CniErrorCode } from '../errors.js';
import type { CniPluginHandlers } from '../run.js';
import { parseResult } from '../spec/result.js';
import type { CniResult } from '../spec/types.js';
import { parsePortmapConfig, type PortmapConfig } from './config.js';
import { containerAddresses } from './container-addresses.js';
import { enableLocalnetRouting } from './localnet.js';
import { attachmentId, idOfNetwork, planHostports } from './rules.js';
import { applyHostports, attachmentRules, removeHostports } from './table.js';

function previous(call: CniCall, missing: string): CniResult {
  if (!call.network.prevResult) throw new CniError(CniErrorCode.internal, missing);
  return parseResult(call.network.prevResult);
}

function idOf(call: CniCall): string {
  return attachmentId(call.network.name, call.env.containerId, call.env.ifname);
}

function plan(call: CniCall, config: PortmapConfig, result: CniResult) {
  return planHostports({ id: idOf(call), addresses: containerAddresses(result, call.env.ifname), config });
}

async function add(call: CniCall, config: PortmapConfig): Promise<CniResult> {
  const result = previous(call, 'must be called as chained plugin');
  if (config.portMappings.length === 0) return result;
  const wanted = plan(call, config, result);
  const v4 = containerAddresses(result, call.env.ifname)[4];
  await withHostNftables(call.options, (nft, state) => {
    // Nothing for this pod's families (every hostIP of the other one): what an earlier ADD made goes.
    if (wanted.rules.length === 0) removeHostports(nft, (id) => id === idOf(call), state);
    else applyHostports(nft, wanted, state);
    if (!config.snat || v4 === undefined) return;
    if (state) enableLocalnetRouting(call, state.route, v4.address, state);
    else {
      const rt = openRoute(call.options.hostNetns === undefined ? {} : { netns: call.options.hostNetns });
      try {
        enableLocalnetRouting(call, rt, v4.address);
      } finally {
        rt.close();
      }
    }
  });
  return result;
}

/** DEL: whatever the configuration says now, every rule of the attachment goes; none is success. */
async function del(call: CniCall): Promise<void> {
  const id = idOf(call);
  await withHostNftables(call.options, (nft, state) => removeHostports(nft, (other) => other === id, state));
}

/** A rule's expressions in a form that compares (buffers as hex). */
function comparable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString('hex') : v)));
}

/** CHECK: the kernel holds exactly the rules ADD would make, chain by chain. */
async function check(call: CniCall, config: PortmapConfig): Promise<void> {
  const result = previous(call, 'Required prevResult missing');
  if (config.portMappings.length === 0) return;
  const wanted = plan(call, config, result);
  const present = await withHostNftables(call.options, (nft) => attachmentRules(nft, idOf(call)));
  for (const chain of ['prerouting', 'output', 'postrouting']) {
    const want = wanted.rules.filter((r) => r.chain === chain).map((r) => comparable((r.rule as RuleBuilder).expressions('inet', wanted.table)));
    const have = present.filter((r) => r.chain === chain).map((r) => comparable(r.expressions));
    if (have.length < want.length) throw new CniError(CniErrorCode.internal, `missing hostport rules in ${JSON.stringify(chain)} chain`, `table inet ${wanted.table}: ${have.length} of ${want.length} rules tagged ${wanted.tag}`);
    if (!isDeepStrictEqual(have, want)) throw new CniError(CniErrorCode.internal, `hostport rules in ${JSON.stringify(chain)} chain differ from the port mappings`, `table inet ${wanted.table}, rules tagged ${wanted.tag}`);
  }
}

/** STATUS: nlkit-portmap can serve ADD when nf_tables answers in the host namespace. */
async function status(call: CniCall): Promise<void> {
  try {
    await withHostNftables(call.options, (nft) => nft.generation());
  } catch (error) {
    throw new CniError(CniErrorCode.notAvailable, 'plugin not available: nf_tables does not answer in the host namespace', (error as Error).message);
  }
}

/** GC: removes this network's rules of every attachment not in cni.dev/valid-attachments. */
async function gc(call: CniCall): Promise<void> {
  const valid = call.network.validAttachments;
  if (!valid) throw new CniError(CniErrorCode.invalidConfig, 'GC needs cni.dev/valid-attachments (the attachments still in use)');
  const keep = new Set(valid.map((a) => attachmentId(call.network.name, a.containerID, a.ifname)));
  await withHostNftables(call.options, (nft, state) => removeHostports(nft, (id) => idOfNetwork(id, call.network.name) && !keep.has(id), state));
}

/** nlkit-portmap's handlers for the protocol core. */
export const portmapHandlers: CniPluginHandlers<PortmapConfig> = {
  parse: (network) => parsePortmapConfig(network),
  add,
  del,
  check,
  status,
  gc,
};
