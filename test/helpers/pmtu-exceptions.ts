// Three namespaces, A — R — B, R's link to B with an MTU of 1280: a large
// ping from A with DF set makes R answer "too big", and A's kernel keeps the
// smaller path MTU as an exception (IPv6) and a next-hop exception (IPv4),
// the routes `ip route show cached` lists.
import { spawnSync } from 'node:child_process';
import type { Test } from 'tap';
import { testNetns } from './netns.js';

export interface PmtuTopology {
  /** The namespace that holds the exceptions (its link to R is a0). */
  a: string;
  r: string;
  b: string;
}

/** Builds the three namespaces with ip (removed when `t` ends); exceptions only after {@link provokeExceptions}. */
export function pmtuTopology(t: Test): PmtuTopology {
  const [a, r, b] = testNetns(t, 3, 'pmtu') as [string, string, string];
  const run = (ns: string, line: string) => {
    const res = spawnSync('ip', ['-n', ns, ...line.split(' ')], { encoding: 'utf8' });
    t.equal(res.status, 0, `${line} ${res.stderr}`);
  };
  run(a, `link add a0 type veth peer name r0 netns ${r}`);
  run(r, `link add r1 mtu 1280 type veth peer name b1 netns ${b}`);
  run(b, 'link set b1 mtu 1280');
  for (const [ns, devs] of [[a, ['lo', 'a0']], [r, ['lo', 'r0', 'r1']], [b, ['lo', 'b1']]] as const) for (const dev of devs) run(ns, `link set ${dev} up`);
  run(a, 'addr add 10.1.0.1/24 dev a0');
  run(a, 'addr add fd00:1::1/64 dev a0 nodad');
  run(r, 'addr add 10.1.0.2/24 dev r0');
  run(r, 'addr add fd00:1::2/64 dev r0 nodad');
  run(r, 'addr add 10.2.0.2/24 dev r1');
  run(r, 'addr add fd00:2::2/64 dev r1 nodad');
  run(b, 'addr add 10.2.0.1/24 dev b1');
  run(b, 'addr add fd00:2::1/64 dev b1 nodad');
  run(a, 'route add default via 10.1.0.2');
  run(a, '-6 route add default via fd00:1::2');
  run(b, 'route add default via 10.2.0.2');
  run(b, '-6 route add default via fd00:2::2');
  for (const key of ['net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding']) {
    t.equal(spawnSync('ip', ['netns', 'exec', r, 'sysctl', '-qw', `${key}=1`]).status, 0, key);
  }
  return { a, r, b };
}

/**
 * Too big for R's link to B: R answers with the 1280 MTU, which A keeps for
 * 10.2.0.1 and fd00:2::1. Each ping waits out its 0.2 s timeout (the answer
 * is the ICMP error, within milliseconds between local namespaces).
 */
export function provokeExceptions(topology: PmtuTopology): void {
  for (const [flag, dst] of [['-4', '10.2.0.1'], ['-6', 'fd00:2::1']] as const) {
    for (let i = 0; i < 3; i++) spawnSync('ip', ['netns', 'exec', topology.a, 'ping', flag, '-c1', '-W0.2', '-s', '1400', '-M', 'do', dst], { stdio: 'ignore' });
  }
}
