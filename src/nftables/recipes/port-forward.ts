import { InvalidArgumentError, ipFamily } from '../../netlink/addresses.js';
import { rule, type RuleBuilder } from '../builder/rule-builder.js';
import type { RuleSpec } from '../objects/rule.js';
import { defineRecipe, type RecipeTable } from './apply.js';

export interface PortMapping {
  hostPort: number;
  /** The pod's port; default the host port. */
  podPort?: number;
  protocol?: 'tcp' | 'udp';
  /** Only connections to this host address; default any local address. */
  hostAddress?: string;
}

export interface PortForwardOptions extends RecipeTable {
  /** Names the mappings (e.g. the container id); tags their rules. */
  id: string;
  /** The pod's address, IPv4 or IPv6. */
  podAddress: string;
  ports: PortMapping[];
}

function requirePort(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 0xffff) {
    throw new InvalidArgumentError(`${what} must be a port 1-65535, got ${String(value)}`);
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
  const family = ipFamily(options.podAddress);
  if (family === 0) throw new InvalidArgumentError(`podAddress ${JSON.stringify(options.podAddress)} is not an IP address`);
  if (!Array.isArray(options.ports) || options.ports.length === 0) throw new InvalidArgumentError('port forwarding needs at least one port mapping');
  const rules: RuleSpec[] = [];
  for (const mapping of options.ports) {
    const hostPort = requirePort(mapping.hostPort, 'hostPort');
    const podPort = requirePort(mapping.podPort ?? mapping.hostPort, 'podPort');
    const protocol = mapping.protocol ?? 'tcp';
    if (protocol !== 'tcp' && protocol !== 'udp') throw new InvalidArgumentError(`protocol must be tcp or udp, got ${JSON.stringify(protocol)}`);
    if (mapping.hostAddress !== undefined && ipFamily(mapping.hostAddress) !== family) {
      throw new InvalidArgumentError(`hostAddress ${JSON.stringify(mapping.hostAddress)} must be an address of the pod's family (IPv${family})`);
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
});

export const {
  plan: portForwardPlan, apply: applyPortForward, applyAsync: applyPortForwardAsync,
  remove: removePortForward, removeAsync: removePortForwardAsync,
} = portForward;
