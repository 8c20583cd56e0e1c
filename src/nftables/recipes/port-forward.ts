import { InvalidArgumentError, ipFamily } from '../../netlink/addresses.js';
import { describeValue, requireKnownKeys, requireObject } from '../../netlink/checks.js';
import { rule, type RuleBuilder } from '../builder/rule-builder.js';
import type { RuleSpec } from '../objects/rule.js';
import { defineRecipe, type RecipeTable } from './apply.js';

/** One forwarded port: connections to `hostPort` on the host are DNATed to `podPort` of the pod. */
export interface PortMapping {
  /** Port on the host, 1-65535. */
  hostPort: number;
  /** The pod's port; default the host port. */
  podPort?: number;
  /** Transport protocol; default `tcp`. */
  protocol?: 'tcp' | 'udp';
  /** Only connections to this host address; default any local address. */
  hostAddress?: string;
}

export interface PortForwardOptions extends RecipeTable {
  /** Names the mappings (e.g. the container id); tags their rules. */
  id: string;
  /** The pod's address, IPv4 or IPv6. */
  podAddress: string;
  /** The forwarded ports; at least one. */
  ports: PortMapping[];
}

const MAPPING_KEYS = new Set(['hostPort', 'podPort', 'protocol', 'hostAddress']);

function requirePort(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 0xffff) {
    throw new InvalidArgumentError(`${what} must be a port 1-65535, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * Host port to pod port, as the CNI portmap plugin does: connections to a
 * local address of the host (`fib daddr type local`) on the host port are
 * DNATed to the pod, both when they arrive from outside (prerouting) and
 * when the host itself connects (output).
 *
 *   meta nfproto ipv4 fib daddr type local tcp dport <hostPort> dnat ip to <pod>:<podPort>
 */
export const portForward = defineRecipe('portmap', (options: PortForwardOptions, table) => {
  const family = typeof options.podAddress === 'string' ? ipFamily(options.podAddress) : 0;
  if (family === 0) throw new InvalidArgumentError(`podAddress must be an IP address like "10.88.0.2"; ${describeValue(options.podAddress)} is not an IP address`);
  if (!Array.isArray(options.ports) || options.ports.length === 0) {
    throw new InvalidArgumentError(`port forwarding needs ports: an array of at least one { hostPort, podPort }, got ${describeValue(options.ports)}`);
  }
  const rules: RuleSpec[] = [];
  for (const [i, mapping] of options.ports.entries()) {
    requireObject(mapping, `ports[${i}]`, '{ hostPort: 8080, podPort: 80 }');
    requireKnownKeys(mapping, MAPPING_KEYS, `ports[${i}]`);
    const hostPort = requirePort(mapping.hostPort, `ports[${i}].hostPort`);
    const podPort = requirePort(mapping.podPort ?? mapping.hostPort, `ports[${i}].podPort`);
    const protocol = mapping.protocol ?? 'tcp';
    if (protocol !== 'tcp' && protocol !== 'udp') throw new InvalidArgumentError(`ports[${i}].protocol must be tcp or udp, got ${describeValue(protocol)}`);
    if (mapping.hostAddress !== undefined && (typeof mapping.hostAddress !== 'string' || ipFamily(mapping.hostAddress) !== family)) {
      throw new InvalidArgumentError(`ports[${i}].hostAddress must be an address of the pod's family (IPv${family}), got ${describeValue(mapping.hostAddress)}`);
    }
    const target = family === 4 ? `${options.podAddress}:${podPort}` : `[${options.podAddress}]:${podPort}`;
    const build = (): RuleBuilder => {
      const r = rule().meta.nfproto(family === 4 ? 'ipv4' : 'ipv6').fib('daddr', 'type', 'local');
      if (mapping.hostAddress !== undefined) {
        if (family === 4) r.ip.daddr(mapping.hostAddress);
        else r.ip6.daddr(mapping.hostAddress);
      }
      return r[protocol].dport(hostPort).dnat(target);
    };
    rules.push({ family: 'inet', table, chain: 'prerouting', rule: build() });
    rules.push({ family: 'inet', table, chain: 'output', rule: build() });
  }
  return {
    chains: [
      { family: 'inet', table, name: 'prerouting', type: 'nat', hook: 'prerouting', priority: 'dstnat', policy: 'accept' },
      { family: 'inet', table, name: 'output', type: 'nat', hook: 'output', priority: 'dstnat', policy: 'accept' },
    ],
    rules,
  };
}, ['podAddress', 'ports']);

export const {
  /** The chains and rules of port forwarding (portForward), without touching the kernel; throws InvalidArgumentError for invalid options. */
  plan: portForwardPlan,
  /** Applies port forwarding (portForward) in one batch: the table and prerouting and output chains if missing, this id's rules replaced; returns the commit's result. */
  apply: applyPortForward,
  /** Promise form of `applyPortForward`. */
  applyAsync: applyPortForwardAsync,
  /** Deletes the port forwarding rules tagged with this id, leaving every other rule and the chains alone; returns how many went. */
  remove: removePortForward,
  /** Promise form of `removePortForward`. */
  removeAsync: removePortForwardAsync,
} = portForward;
