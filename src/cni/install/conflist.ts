// The node's conflist: the template (the DaemonSet's ConfigMap) with the
// node's pod subnets filled into every host-local IPAM that sets none.
import { isIPv4, isIPv6 } from 'node:net';
import { CniInstallError } from './errors.js';

/** The part of a Kubernetes Node object the install reads. */
export interface NodeObject {
  metadata?: { name?: string };
  spec?: { podCIDR?: string; podCIDRs?: string[] };
}

/** A conflist (CNI network configuration list), as JSON. */
export interface Conflist {
  cniVersion: string;
  name: string;
  plugins: Record<string, unknown>[];
  [key: string]: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses and checks a template: a conflist with a version, a name and at least one plugin with a type. */
export function parseTemplate(template: unknown): Conflist {
  let value = template;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new CniInstallError('EINVAL', `the conflist template is not JSON: ${(error as Error).message}`);
    }
  }
  if (!isObject(value)) throw new CniInstallError('EINVAL', 'the conflist template must be a JSON object');
  const { cniVersion, name, plugins } = value;
  if (typeof cniVersion !== 'string' || cniVersion === '') throw new CniInstallError('EINVAL', 'the conflist template needs "cniVersion"');
  if (typeof name !== 'string' || name === '') throw new CniInstallError('EINVAL', 'the conflist template needs "name"');
  if (!Array.isArray(plugins) || plugins.length === 0) throw new CniInstallError('EINVAL', 'the conflist template needs a non-empty "plugins" list');
  plugins.forEach((plugin, i) => {
    if (!isObject(plugin) || typeof plugin.type !== 'string' || plugin.type === '') throw new CniInstallError('EINVAL', `plugins[${i}] of the conflist template needs a "type"`);
  });
  return structuredClone(value) as Conflist;
}

/** `a.b.c.d/n` or `x::/n` with the prefix in range; the CIDR as given, else an error naming `what`. */
export function checkCidr(cidr: unknown, what: string): string {
  const match = typeof cidr === 'string' ? /^([^/]+)\/(\d{1,3})$/.exec(cidr) : null;
  const bits = match ? (isIPv4(match[1]!) ? 32 : isIPv6(match[1]!) ? 128 : 0) : 0;
  if (!match || bits === 0 || Number(match[2]) > bits) throw new CniInstallError('EINVAL', `${what} ${JSON.stringify(cidr)} is not an IPv4 or IPv6 CIDR`);
  return cidr as string;
}

/** The node's pod CIDRs: spec.podCIDRs, else spec.podCIDR; at most one per family, as Kubernetes allocates them. */
export function podCidrsOf(node: NodeObject): string[] {
  const spec = isObject(node) && isObject(node.spec) ? node.spec : {};
  const list: unknown[] = Array.isArray(spec.podCIDRs) && spec.podCIDRs.length > 0 ? spec.podCIDRs : spec.podCIDR ? [spec.podCIDR] : [];
  const cidrs = list.map((cidr) => checkCidr(cidr, 'the Node object\'s pod CIDR'));
  const v4 = cidrs.filter((c) => c.includes('.')).length;
  if (v4 > 1 || cidrs.length - v4 > 1) throw new CniInstallError('EINVAL', `the Node object has more than one pod CIDR of a family: ${cidrs.join(', ')}`);
  return cidrs;
}

/** The values of `key` in `object`, matched without regard to case (as host-local's Go decoder matches keys). */
function field(object: Record<string, unknown>, key: string): unknown[] {
  return Object.keys(object).filter((k) => k.toLowerCase() === key).map((k) => object[k]);
}

/** A host-local IPAM that names its addresses itself (`subnet`, or non-empty `ranges`). */
function ipamHasSubnet(ipam: Record<string, unknown>): boolean {
  return field(ipam, 'subnet').some((v) => typeof v === 'string' && v !== '') || field(ipam, 'ranges').some((v) => Array.isArray(v) && v.length > 0);
}

/** The host-local IPAM sections of a conflist that set no subnet: those the node's pod CIDRs go into. */
export function ipamToFill(conflist: Conflist): Record<string, unknown>[] {
  return conflist.plugins.flatMap((plugin) => {
    const ipam = plugin.ipam;
    return isObject(ipam) && field(ipam, 'type').includes('host-local') && !ipamHasSubnet(ipam) ? [ipam] : [];
  });
}

/**
 * The conflist the node gets: `template` with one host-local range set per
 * pod CIDR of `node` (IPv4 and IPv6: one address of each per pod) in every
 * host-local IPAM that sets no `subnet` or `ranges`. A template that sets
 * them is used as it is, and `node` is not read (it may be undefined). A
 * template that needs the node's subnet and a node without a pod CIDR:
 * CniInstallError ENOPODCIDR.
 */
export function renderConflist(node: NodeObject | undefined, template: unknown): Conflist {
  const conflist = parseTemplate(template);
  const targets = ipamToFill(conflist);
  if (targets.length === 0) return conflist;
  const cidrs = node === undefined ? [] : podCidrsOf(node);
  if (cidrs.length === 0) {
    const name = node?.metadata?.name;
    throw new CniInstallError('ENOPODCIDR', `the Node object${name ? ` ${JSON.stringify(name)}` : ''} has no spec.podCIDR(s) and the conflist template sets no ipam subnet: start kube-controller-manager with --allocate-node-cidrs=true --cluster-cidr=..., or set "subnet" (or "ranges") in the template's ipam`);
  }
  for (const ipam of targets) {
    for (const key of Object.keys(ipam)) if (/^(subnet|ranges)$/i.test(key)) delete ipam[key];
    ipam.ranges = cidrs.map((subnet) => [{ subnet }]);
  }
  return conflist;
}
