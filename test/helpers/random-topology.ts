// Random topologies for comparing nlkit's `ip -j` renderings with ip's own:
// the `ip -batch` lines of one or two namespaces, drawn from a seed so a
// failing topology can be rebuilt. Only what this kernel has (no dummy, vlan,
// bond, wireguard; no bridge VLAN filtering) and what `ip -batch` accepts:
// a line ip refuses is a bug in this generator, not something to compare
// around, so the options known to be refused here are listed where they are
// left out.
import { seededRandom } from './random.js';

/** Lines for `ip [-6] -n NS -batch -`, in order. */
export interface TopologyBatch {
  /** Index into the namespaces' names. */
  netns: number;
  /**
   * Global options for the whole batch: a batch line cannot carry `-6`, and
   * `ip rule` without it is IPv4 whatever addresses follow.
   */
  options: string[];
  lines: string[];
}

export interface RandomTopology {
  seed: number;
  /**
   * Whether IPv6 duplicate address detection runs (with optimistic DAD), set
   * in the namespaces before the batches. Without it addresses are valid at
   * once; with it they are tentative or optimistic for a while, and a
   * duplicate fails (dadfailed).
   */
  dad: boolean;
  /** How many namespaces the batches use (1 or 2). */
  namespaces: number;
  /** Run in this order: the first creates the second namespace's veth peers. */
  batches: TopologyBatch[];
}

type Random = () => number;

class Draw {
  constructor(private readonly r: Random) {}
  chance(p: number): boolean {
    return this.r() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.r() * (max - min + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }
  onOff(): string {
    return this.chance(0.5) ? 'on' : 'off';
  }
  /** Options drawn independently, each with probability `p`, in their given order. */
  some(options: readonly (() => string)[], p: number): string {
    return options.filter(() => this.chance(p)).map((o) => o()).join(' ');
  }
  /** A unicast, locally administered MAC. */
  mac(): string {
    const bytes = [0x02, ...Array.from({ length: 5 }, () => this.int(0, 255))];
    return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
  }
}

const join = (...parts: string[]): string => parts.filter((p) => p !== '').join(' ');

// Scopes are named, never numbers: iproute2 6.1's rtnl_rtscope_a2n caches the
// last name it matched but stores a number's value in the same cache, so in
// one batch `scope link`, then `scope 100`, then `scope link` again sends 100
// for the second "link" (a broadcast route with it is refused: "Invalid
// scope"). Protocols and tables have the same cache: a name after a number
// can send the number, which the kernel takes, so both sides still read the
// same state and only the line's meaning is off.

/** Settings every link type takes at creation (`ip link add NAME <these> type ...`). */
function creationSettings(d: Draw, mtu = true): string {
  return d.some([
    // Not below 1400: a vxlan over the link loses 50-70 bytes, and IPv6 needs 1280 (an address on a smaller link is EINVAL).
    () => (mtu ? `mtu ${d.pick([1400, 1500, 9000])}` : ''),
    () => `txqueuelen ${d.pick([0, 10, 500, 1000, 5000])}`,
    () => `group ${d.int(0, 5)}`,
    () => `gso_max_size ${d.pick([16384, 32768, 65536])}`,
    () => `gso_max_segs ${d.pick([16, 64, 65535])}`,
    () => `gro_max_size ${d.pick([16384, 65536])}`,
  ], 0.3);
}

/** Settings applied after creation with `ip link set` (alias is ignored at creation: set it here). */
function laterSettings(d: Draw, dev: string, hasMac: boolean): string[] {
  const out: string[] = [];
  // Only vxlan and macvlan take protodown here (veth, bridge, ifb, tun: "Protodown not supported by device").
  if (/^(vx|mv)/.test(dev) && d.chance(0.3)) out.push(`link set ${dev} protodown on`, ...(d.chance(0.5) ? [`link set ${dev} protodown_reason ${d.int(0, 31)} on`] : []));
  // Not stable_secret: EINVAL until a secret is set (net.ipv6.conf.*.stable_secret).
  if (d.chance(0.15)) out.push(`link property add dev ${dev} altname ${dev}-alt${d.chance(0.5) ? ` altname ${dev}.${'x'.repeat(d.int(1, 8))}` : ''}`);
  if (d.chance(0.2)) out.push(`link set ${dev} addrgenmode ${d.pick(['eui64', 'none', 'random'])}`);
  const set = d.some([
    () => `alias "${d.pick(['uplink', 'to the other side', 'x'])} ${dev}"`,
    () => `promisc ${d.onOff()}`,
    () => `allmulticast ${d.onOff()}`,
    () => `arp ${d.onOff()}`,
    () => `multicast ${d.onOff()}`,
    () => `group ${d.int(0, 3)}`,
    () => `txqueuelen ${d.pick([1, 100, 2000])}`,
    ...(hasMac ? [() => `address ${d.mac()}`, () => `broadcast ${d.pick(['ff:ff:ff:ff:ff:ff', d.mac()])}`] : []),
  ], 0.25);
  if (set !== '') out.push(`link set ${dev} ${set}`);
  return out;
}

function bridgeOptions(d: Draw): string {
  // Refused by this kernel (no CONFIG_BRIDGE_VLAN_FILTERING, EOPNOTSUPP):
  // vlan_filtering, vlan_protocol, vlan_default_pvid, vlan_stats_enabled,
  // vlan_stats_per_port, mcast_vlan_snooping.
  return d.some([
    () => `stp_state ${d.int(0, 1)}`,
    () => `forward_delay ${d.int(200, 3000)}`,
    () => `hello_time ${d.int(100, 1000)}`,
    () => `max_age ${d.int(600, 4000)}`,
    () => `ageing_time ${d.int(0, 100000)}`,
    () => `priority ${d.int(0, 65535)}`,
    () => `group_fwd_mask ${d.pick([0, 0x8, 0x4000, 0x3ff8])}`,
    () => `group_address 01:80:c2:00:00:${d.pick(['00', '0d', '0f'])}`,
    () => `no_linklocal_learn ${d.int(0, 1)}`,
    () => `mcast_snooping ${d.int(0, 1)}`,
    () => `mcast_router ${d.int(0, 2)}`,
    () => `mcast_query_use_ifaddr ${d.int(0, 1)}`,
    () => `mcast_querier ${d.int(0, 1)}`,
    () => `mcast_hash_elasticity ${d.int(1, 16)}`,
    () => `mcast_hash_max ${d.pick([512, 1024, 4096])}`,
    () => `mcast_last_member_count ${d.int(1, 5)}`,
    () => `mcast_startup_query_count ${d.int(1, 5)}`,
    () => `mcast_last_member_interval ${d.int(50, 300)}`,
    () => `mcast_membership_interval ${d.int(10000, 40000)}`,
    () => `mcast_querier_interval ${d.int(10000, 40000)}`,
    () => `mcast_query_interval ${d.int(5000, 20000)}`,
    () => `mcast_query_response_interval ${d.int(500, 2000)}`,
    () => `mcast_startup_query_interval ${d.int(1000, 5000)}`,
    () => `mcast_stats_enabled ${d.int(0, 1)}`,
    () => `mcast_igmp_version ${d.int(2, 3)}`,
    () => `mcast_mld_version ${d.int(1, 2)}`,
    () => `nf_call_iptables ${d.int(0, 1)}`,
    () => `nf_call_ip6tables ${d.int(0, 1)}`,
    () => `nf_call_arptables ${d.int(0, 1)}`,
  ], 0.35);
}

function bridgePortOptions(d: Draw, backup: string | undefined): string {
  // No `state`: the kernel refuses it on a down port (ENETDOWN) and under kernel STP (EBUSY).
  return d.some([
    () => `priority ${d.int(0, 63)}`,
    () => `cost ${d.int(1, 65535)}`,
    () => `guard ${d.onOff()}`,
    () => `hairpin ${d.onOff()}`,
    () => `fastleave ${d.onOff()}`,
    () => `root_block ${d.onOff()}`,
    () => `learning ${d.onOff()}`,
    () => `flood ${d.onOff()}`,
    () => `proxy_arp ${d.onOff()}`,
    () => `proxy_arp_wifi ${d.onOff()}`,
    () => `mcast_router ${d.int(0, 2)}`,
    () => `mcast_fast_leave ${d.onOff()}`,
    () => `mcast_flood ${d.onOff()}`,
    () => `bcast_flood ${d.onOff()}`,
    () => `mcast_to_unicast ${d.onOff()}`,
    () => `group_fwd_mask ${d.pick([0, 0x8, 0x4000])}`,
    () => `neigh_suppress ${d.onOff()}`,
    () => `vlan_tunnel ${d.onOff()}`,
    () => `isolated ${d.onOff()}`,
    () => `locked ${d.onOff()}`,
    ...(backup ? [() => `backup_port ${backup}`] : []),
  ], 0.3);
}

/** `dstport` is always given, and different per device: two vxlans on one port and VNI cannot both be up (EADDRINUSE). */
function vxlanOptions(d: Draw, lower: string | undefined, dstport: number): string {
  const v6 = d.chance(0.4);
  const endpoint = (): string => {
    const choice = d.int(0, lower ? 2 : 1);
    if (choice === 0) return '';
    if (choice === 1) return v6 ? `remote fd00:99::${d.int(1, 99)}` : `remote 192.0.2.${d.int(1, 200)}`;
    return v6 ? `group ff05::${d.int(1, 99)} dev ${lower}` : `group 239.1.1.${d.int(1, 200)} dev ${lower}`;
  };
  const external = d.chance(0.15);
  return join(
    external ? d.pick(['external', 'external gbp', 'external vnifilter']) : `id ${d.int(1, 16000000)}`,
    external ? '' : endpoint(),
    // An IPv6 local address makes the device IPv6 even without a remote.
    v6 ? `local fd00:98::${d.int(1, 99)}` : '',
    `dstport ${dstport}`,
    d.some([
      () => (v6 ? '' : `local 198.51.100.${d.int(1, 200)}`),
      () => `ttl ${d.pick(['auto', 'inherit', String(d.int(1, 255))])}`,
      () => `tos ${d.pick(['inherit', '0x10', '0x28'])}`,
      () => `df ${d.pick(['unset', 'set', 'inherit'])}`,
      // The kernel takes a flow label only for IPv6 endpoints.
      () => (v6 ? `flowlabel ${d.int(0, 1048575)}` : ''),
      () => `srcport ${d.int(1000, 2000)} ${d.int(2001, 60000)}`,
      () => d.pick(['learning', 'nolearning']),
      () => d.pick(['proxy', 'noproxy']),
      () => d.pick(['rsc', 'norsc']),
      () => d.pick(['l2miss', 'nol2miss']),
      () => d.pick(['l3miss', 'nol3miss']),
      () => d.pick(['udpcsum', 'noudpcsum']),
      () => d.pick(['udp6zerocsumtx', 'noudp6zerocsumtx']),
      () => d.pick(['udp6zerocsumrx', 'noudp6zerocsumrx']),
      () => `ageing ${d.int(0, 3000)}`,
      () => `maxaddress ${d.int(0, 1000)}`,
      () => (external ? '' : 'gbp'),
    ], 0.3),
  );
}

/**
 * One random topology: links of every kind this kernel has and their
 * settings, addresses, routes, neighbours, rules and namespace ids. `names`
 * are the namespaces' names (the second is used when the seed draws two).
 */
export function randomWideTopology(seed: number, names: readonly [string, string]): RandomTopology {
  const d = new Draw(seededRandom(seed));
  const two = d.chance(0.5);
  const dad = d.chance(0.25);
  const [, other] = names;
  const a: string[] = ['link set lo up'];
  const b: string[] = ['link set lo up'];
  /** The first namespace's links, in creation order; `ethernet`: those of them with a MAC address. */
  const devices: string[] = [];
  const ethernet: string[] = [];

  // Ids are given before any veth crosses over: a peer in the other namespace gets one allocated both ways.
  const first: string[] = [];
  if (two && d.chance(0.6)) a.push(`netns set ${other} ${d.int(0, 50)}`);
  if (two && d.chance(0.5)) first.push(`netns set ${names[0]} ${d.int(0, 50)}`);

  const bridges = d.int(0, 2);
  for (let i = 0; i < bridges; i++) {
    const br = `br${i}`;
    a.push(join('link add', br, creationSettings(d), 'type bridge', bridgeOptions(d)));
    devices.push(br);
    ethernet.push(br);
  }

  const pairs = d.int(1, 4);
  const ports: { port: string; bridge: string }[] = [];
  for (let i = 0; i < pairs; i++) {
    const host = `ve${i}`;
    const peer = `vp${i}`;
    const away = two && d.chance(0.5);
    const peerSettings = d.chance(0.3) ? ` address ${d.mac()}` : '';
    a.push(join('link add', host, creationSettings(d), d.chance(0.2) ? `numtxqueues ${d.int(1, 4)} numrxqueues ${d.int(1, 4)}` : '', `type veth peer name ${peer}${peerSettings}`, away ? `netns ${other}` : ''));
    devices.push(host);
    ethernet.push(host);
    if (away) {
      b.push(`link set ${peer} up`);
      if (d.chance(0.5)) b.push(`addr add 10.200.${i}.2/24 dev ${peer}`);
    } else {
      devices.push(peer);
      ethernet.push(peer);
    }
    if (bridges > 0 && d.chance(0.5)) {
      const bridge = `br${d.int(0, bridges - 1)}`;
      a.push(`link set ${host} master ${bridge}`);
      ports.push({ port: host, bridge });
    }
  }

  // A macvlan moved to the other namespace keeps its lower device here (link_netnsid on its side).
  // Its lower device takes no other macvlan here: a passthru one must be alone on it.
  let awayLower: string | undefined;
  if (two && lowersOf(ethernet).length > 0 && d.chance(0.5)) {
    awayLower = d.pick(lowersOf(ethernet));
    a.push(`link add mvx link ${awayLower} type macvlan mode bridge`, `link set mvx netns ${other}`);
    b.push('link set mvx up', 'addr add 10.201.0.1/24 dev mvx');
  }

  // Macvlans on veth peers left in this namespace; passthru takes the lower device alone.
  const lowers = lowersOf(ethernet).filter((l) => l !== awayLower);
  let macvlans = 0;
  for (const lower of lowers) {
    if (!d.chance(0.5)) continue;
    const mode = d.pick(['private', 'vepa', 'bridge', 'passthru', 'source'] as const);
    const name = `mv${macvlans++}`;
    const flag = mode === 'passthru' && d.chance(0.5) ? 'flag nopromisc' : mode === 'source' && d.chance(0.5) ? 'flag nodst' : '';
    const bc = d.chance(0.3) ? `bcqueuelen ${d.pick([100, 1000, 5000])}` : '';
    // A macvlan's MTU cannot exceed its lower device's (EINVAL): it inherits it instead.
    a.push(join('link add', name, 'link', lower, creationSettings(d, false), 'type macvlan mode', mode, flag, bc));
    if (mode === 'source') {
      for (let k = d.int(0, 3); k > 0; k--) a.push(`link set ${name} type macvlan macaddr add ${d.mac()}`);
    }
    devices.push(name);
    ethernet.push(name);
    if (mode !== 'passthru' && d.chance(0.4)) {
      const second = `mv${macvlans++}`;
      a.push(`link add ${second} link ${lower} type macvlan mode ${mode === 'source' ? 'bridge' : mode}`);
      devices.push(second);
      ethernet.push(second);
    }
  }

  for (let i = d.int(0, 2); i > 0; i--) {
    const name = `vx${i}`;
    a.push(join('link add', name, creationSettings(d), 'type vxlan', vxlanOptions(d, d.chance(0.5) ? d.pick(ethernet) : undefined, 4789 + i)));
    devices.push(name);
    ethernet.push(name);
  }
  for (let i = d.int(0, 1); i > 0; i--) {
    a.push(join(`link add ifb${i}`, creationSettings(d), 'type ifb'));
    devices.push(`ifb${i}`);
  }
  for (let i = d.int(0, 2); i > 0; i--) {
    const name = `tap${i}`;
    const mode = d.pick(['tun', 'tap']);
    a.push(join('tuntap add dev', name, 'mode', mode, d.some([
      () => `user ${d.int(0, 1000)}`,
      () => `group ${d.int(0, 1000)}`,
      () => 'multi_queue',
      () => 'one_queue',
      () => 'pi',
      () => 'vnet_hdr',
    ], 0.4)));
    devices.push(name);
    if (mode === 'tap') ethernet.push(name);
  }

  for (const { port, bridge } of morePorts(d, bridges, a, ethernet)) ports.push({ port, bridge });
  for (const { port, bridge } of ports) {
    // A backup port must be on the same bridge (EINVAL otherwise).
    const backup = ports.find((p) => p.port !== port && p.bridge === bridge)?.port;
    const options = bridgePortOptions(d, d.chance(0.3) ? backup : undefined);
    if (options !== '') a.push(`link set ${port} type bridge_slave ${options}`);
  }

  for (const dev of devices) a.push(...laterSettings(d, dev, ethernet.includes(dev)));
  const up = devices.filter(() => d.chance(0.75));
  for (const dev of up) a.push(`link set ${dev} up`);

  // Addresses; routes through a gateway need the subnet on an up link.
  const gateways: { dev: string; v4?: string; v6?: string }[] = [];
  devices.forEach((dev, n) => {
    const subnet = n + 1;
    const count = d.int(0, 2);
    for (let k = 0; k < count; k++) {
      const v4 = `10.${subnet}.${k}`;
      a.push(join('addr add', `${v4}.1/24`, 'dev', dev, d.some([
        () => `label ${dev}:${d.pick(['a', 'b1', 'lbl'])}`,
        () => d.pick(['broadcast +', `broadcast ${v4}.254`, 'brd -']),
        () => `scope ${d.pick(['global', 'link', 'host', 'site'])}`,
        () => `valid_lft ${d.int(500, 5000)} preferred_lft ${d.int(0, 400)}`,
        () => `metric ${d.int(1, 1000)}`,
        () => (k === 0 ? '' : 'noprefixroute'),
      ], 0.3)));
      if (d.chance(0.1)) a.push(`addr add 239.${subnet}.${k}.1/32 dev ${dev} autojoin`, `addr add ff05::${subnet}:${k}/128 dev ${dev} autojoin`);
      if (d.chance(0.2)) a.push(`addr add 10.${subnet}.${k + 10}.1 peer 10.${subnet}.${k + 10}.2/32 dev ${dev}`);
      if (d.chance(0.6)) {
        const v6 = `fd00:${subnet}:${k}::1/64`;
        // A gateway in the subnet needs the subnet's route: the first address of each link keeps it.
        const prefixRoute = k === 0;
        a.push(join('addr add', v6, 'dev', dev, d.some([
          // One or the other: "IFA_F_NODAD and IFA_F_OPTIMISTIC are mutually exclusive" once optimistic DAD is on.
          () => d.pick(['nodad', 'optimistic']),
          () => (prefixRoute ? '' : 'noprefixroute'),
          () => 'home',
          () => 'mngtmpaddr',
          () => `valid_lft ${d.int(500, 5000)} preferred_lft ${d.int(0, 400)}`,
          () => `metric ${d.int(1, 1000)}`,
          () => `scope ${d.pick(['global', 'link', 'site'])}`,
        ], 0.3)));
        if (d.chance(0.15)) a.push(`addr add fd00:${subnet}:${k + 10}::1 peer fd00:${subnet}:${k + 10}::2/128 dev ${dev} nodad`);
        if (up.includes(dev) && k === 0) gateways.push({ dev, v4: `10.${subnet}.0.2`, v6: `fd00:${subnet}:0::2` });
      } else if (up.includes(dev) && k === 0) gateways.push({ dev, v4: `10.${subnet}.0.2` });
    }
  });

  // The same address at both ends of a pair here: with DAD, both fail it.
  const pair = devices.find((dev) => dev.startsWith('vp') && up.includes(dev) && up.includes(dev.replace('vp', 've')));
  if (dad && pair && d.chance(0.6)) a.push(`addr add fd00:dd::1/64 dev ${pair}`, `addr add fd00:dd::1/64 dev ${pair.replace('vp', 've')}`);
  routes(d, a, gateways, up);
  neighbours(d, a, ethernet, devices);
  const [rules4, rules6] = rules(d, devices);
  a.push(...rules4);
  const batches: TopologyBatch[] = [{ netns: 0, options: [], lines: a }];
  if (rules6.length > 0) batches.push({ netns: 0, options: ['-6'], lines: rules6 });
  if (two) {
    if (first.length > 0) batches.unshift({ netns: 1, options: [], lines: first });
    // A veth made from the other side, its peer here.
    if (d.chance(0.5)) b.push(`link add wb0 type veth peer name wa0 netns ${names[0]}`, 'link set wb0 up');
    b.push('addr add 10.250.0.1/24 dev lo', 'route add unreachable 10.251.0.0/16 table 7', 'rule add pref 500 from 10.250.0.0/24 table 7');
    batches.push({ netns: 1, options: [], lines: b });
  }
  return { seed, dad, namespaces: two ? 2 : 1, batches };
}

const TABLES = ['', 'table main', 'table 100', 'table 200', 'table local', 'table 4000000'];

function metrics(d: Draw): string {
  return d.some([
    () => `mtu ${d.chance(0.5) ? 'lock ' : ''}${d.int(1280, 9000)}`,
    () => `advmss ${d.int(500, 1460)}`,
    () => `hoplimit ${d.int(1, 255)}`,
    () => `initcwnd ${d.int(1, 100)}`,
    () => `initrwnd ${d.int(1, 100)}`,
    () => `rto_min ${d.pick(['200ms', '10ms', '1s'])}`,
    () => `quickack ${d.int(0, 1)}`,
    () => `window ${d.int(1000, 65535)}`,
    () => `reordering ${d.int(1, 127)}`,
    () => `rtt ${d.pick(['100ms', '2s'])}`,
    () => `rttvar ${d.pick(['50ms', '1s'])}`,
    () => `ssthresh ${d.int(1, 1000)}`,
    () => `cwnd ${d.int(1, 100)}`,
    () => 'features ecn',
    () => `congctl ${d.chance(0.5) ? 'lock ' : ''}${d.pick(['reno', 'cubic'])}`,
    () => `fastopen_no_cookie ${d.int(0, 1)}`,
  ], 0.15);
}

/** A lightweight tunnel encap (`ip` or `ip6`, the two this kernel has: mpls, seg6, rpl, ioam6, xfrm are "not supported"). */
function encap(d: Draw): string {
  const v6 = d.chance(0.4);
  return join('encap', v6 ? 'ip6' : 'ip', d.some([
    () => `id ${d.pick([1, 77, 4294967296, 2 ** 53 + 2])}`,
    () => (v6 ? `src fd00:aa::${d.int(1, 99)}` : `src 192.0.2.${d.int(1, 99)}`),
    () => (v6 ? `hoplimit ${d.int(0, 255)}` : `ttl ${d.int(0, 255)}`),
    () => (v6 ? `tc ${d.pick(['0x10', '0xb8'])}` : `tos ${d.pick(['0x10', '0x08'])}`),
    () => 'key',
    () => 'csum',
    () => 'seq',
  ], 0.4), v6 ? `dst fd00:ab::${d.int(1, 99)}` : `dst 198.51.100.${d.int(1, 99)}`);
}

function routes(d: Draw, a: string[], gateways: { dev: string; v4?: string; v6?: string }[], up: string[]): void {
  let n = 0;
  const common = () => join(d.pick(TABLES), d.chance(0.4) ? `metric ${d.int(0, 5000)}` : '', d.chance(0.4) ? `proto ${d.pick(['static', 'boot', '42', 'bird', 'dhcp'])}` : '', metrics(d));
  for (const gw of gateways) {
    for (let k = d.int(0, 3); k > 0; k--, n++) {
      a.push(join('route add', `172.16.${n}.0/24`, d.chance(0.15) ? encap(d) : '', `via ${gw.v4} dev ${gw.dev}`, common(), d.chance(0.2) ? 'onlink' : '', d.chance(0.1) ? `tos ${d.pick(['0x10', '0x04'])}` : ''));
    }
    if (gw.v6) {
      for (let k = d.int(0, 2); k > 0; k--, n++) {
        a.push(join('route add', `fd10:${n}::/48`, d.chance(0.2) ? `from fd11:${n}::/64` : '', d.chance(0.15) ? encap(d) : '', `via ${gw.v6} dev ${gw.dev}`, common(), d.chance(0.4) ? `pref ${d.pick(['low', 'medium', 'high'])}` : '', d.chance(0.3) ? `expires ${d.int(100, 9000)}` : ''));
      }
    }
  }
  if (gateways.length >= 2 && d.chance(0.7)) {
    const hops = gateways.slice(0, d.int(2, gateways.length));
    const hop = (via: string, dev: string) => join('nexthop', d.chance(0.2) ? encap(d) : '', `via ${via} dev ${dev}`, `weight ${d.int(1, 256)}`, d.chance(0.15) ? 'onlink' : '');
    a.push(join('route add 172.31.0.0/16', d.pick(TABLES), ...hops.map((g) => join(hop(g.v4!, g.dev), d.chance(0.2) ? `realms ${d.int(1, 9)}` : ''))));
    const v6 = hops.filter((g) => g.v6);
    if (v6.length >= 2) a.push(join('route add fd20::/32', d.pick(TABLES), ...v6.map((g) => hop(g.v6!, g.dev))));
  }
  for (const gw of gateways.filter(() => d.chance(0.3))) {
    a.push(join('route add', `172.17.${n++}.0/24 via ${gw.v4} dev ${gw.dev}`, d.some([() => `tos ${d.pick(['0x10', '0x08'])}`, () => `realm ${d.int(1, 255)}`, () => `realms ${d.int(1, 9)}/${d.int(1, 9)}`], 0.5), common()));
    // An IPv4 route through an IPv6 gateway (RTA_VIA).
    if (gw.v6 && d.chance(0.5)) a.push(join('route add', `172.18.${n++}.0/24 via inet6 ${gw.v6} dev ${gw.dev}`, d.pick(TABLES)));
  }
  if (gateways.length > 0 && d.chance(0.5)) {
    const gw = d.pick(gateways);
    a.push(join('route add default', `via ${gw.v4} dev ${gw.dev}`, d.pick(TABLES), d.chance(0.3) ? 'expires 600' : ''));
    // No IPv6 src here: the link's address may have a scope or flags the kernel refuses as a source ("Invalid source address").
    if (gw.v6) a.push(join('route add default', `via ${gw.v6} dev ${gw.dev}`, d.pick(TABLES), d.chance(0.3) ? `expires ${d.int(100, 900)}` : ''));
  }
  // Onlink: the gateway need not be in any subnet.
  if (up.length > 0 && d.chance(0.5)) a.push(join('route add 100.64.0.0/10 via 192.0.2.77 dev', d.pick(up), 'onlink', d.pick(TABLES)));
  for (let k = d.int(0, 4); k > 0; k--, n++) {
    const type = d.pick(['blackhole', 'unreachable', 'prohibit', 'throw']);
    if (d.chance(0.5)) a.push(join('route add', type, `198.18.${n}.0/24`, common()));
    else a.push(join('route add', type, `fd30:${n}::/64`, common(), d.chance(0.3) ? `pref ${d.pick(['low', 'high'])}` : ''));
  }
  const onUp = gateways.map((g) => g.dev);
  if (onUp.length > 0) {
    for (let k = d.int(0, 3); k > 0; k--, n++) {
      const dev = d.pick(onUp);
      const kind = d.int(0, 8);
      if (kind === 0) a.push(join('route add local', `203.0.${n % 256}.0/24 dev ${dev}`, d.pick(['table local', 'table 100'])));
      else if (kind === 1) a.push(join('route add broadcast', `203.0.${n % 256}.255 dev ${dev}`, d.pick(['table local', 'table 100']), 'scope link'));
      else if (kind === 2) a.push(join('route add multicast', `ff38:${n}::/32 dev ${dev}`, d.pick(['table local', 'table 100'])));
      else if (kind === 3) a.push(join('route add', `192.168.${n % 256}.0/24 dev ${dev}`, d.pick(['scope link', 'scope host']), common()));
      else if (kind === 5) a.push(join('route add multicast', `239.${n % 256}.0.0/16 dev ${dev}`, d.pick(['table local', 'table 100'])));
      else if (kind === 6) a.push(join('route add anycast', `fd43:${n}::/64 dev ${dev}`, d.pick(['table local', 'table 100'])));
      else if (kind === 7) a.push(join('route add local', `fd44:${n}::/64 dev ${dev}`, d.pick(['table local', 'table 100', ''])));
      else if (kind === 8) a.push(join('route add unicast', `192.169.${n % 256}.0/24 dev ${dev}`, common()));
      else a.push(join('route add', `192.168.${n % 256}.0/24 dev ${dev} src`, gateways.find((g) => g.dev === dev)!.v4!.replace(/\.2$/, '.1'), common()));
    }
  }
}

function neighbours(d: Draw, a: string[], ethernet: string[], devices: string[]): void {
  // Links without a link-layer address (tun) take entries too, with an empty one.
  for (const tun of devices.filter((dev) => dev.startsWith('tap') && !ethernet.includes(dev))) {
    if (d.chance(0.5)) a.push(`neigh add ${d.chance(0.5) ? 'fd42::1' : '10.79.0.1'} dev ${tun} nud ${d.pick(['permanent', 'noarp'])}`);
  }
  const arpCapable = ethernet.filter((e) => devices.includes(e));
  for (let k = d.int(0, 5); k > 0; k--) {
    if (arpCapable.length === 0) return;
    const dev = d.pick(arpCapable);
    const v6 = d.chance(0.4);
    const dst = v6 ? `fd40::${k}:${d.int(1, 999)}` : `10.77.${k}.${d.int(1, 254)}`;
    const nud = d.pick(['permanent', 'noarp', 'reachable', 'stale', 'delay', 'probe', 'failed', 'incomplete', 'managed']);
    const lladdr = nud === 'failed' || nud === 'incomplete' || nud === 'managed' ? '' : `lladdr ${d.mac()}`;
    // `managed` is a flag (NTF_EXT_MANAGED) the kernel resolves itself, not a NUD state.
    a.push(join('neigh add', dst, lladdr, 'dev', dev, nud === 'managed' ? 'managed' : `nud ${nud}`, d.chance(0.3) ? 'router' : '', d.chance(0.2) ? 'extern_learn' : '', d.chance(0.2) ? `protocol ${d.pick(['static', '99'])}` : ''));
  }
  for (let k = d.int(0, 2); k > 0; k--) {
    if (arpCapable.length === 0) return;
    a.push(`neigh add proxy ${d.chance(0.5) ? `10.78.0.${k}` : `fd41::${k}`} dev ${d.pick(arpCapable)}`);
  }
}

/** Veth peers left in the first namespace: lower devices for macvlans. */
function lowersOf(ethernet: readonly string[]): string[] {
  return ethernet.filter((e) => e.startsWith('vp'));
}

/**
 * Bridge ports besides veth host ends: taps, macvlans and vxlans. Not the
 * veth peers, which carry the macvlans (a lower device's rx handler is taken),
 * nor a vxlan over a bridge (a loop): both EBUSY.
 */
function morePorts(d: Draw, bridges: number, a: string[], ethernet: readonly string[]): { port: string; bridge: string }[] {
  if (bridges === 0) return [];
  const out: { port: string; bridge: string }[] = [];
  for (const dev of ethernet) {
    const overBridge = a.some((line) => line.startsWith(`link add ${dev} `) && / dev br\d/.test(line));
    if (!/^(tap|mv|vx)/.test(dev) || overBridge || !d.chance(0.3)) continue;
    const bridge = `br${d.int(0, bridges - 1)}`;
    a.push(`link set ${dev} master ${bridge}`);
    out.push({ port: dev, bridge });
  }
  return out;
}

/** IPv4 rules and IPv6 rules: the latter go in a batch of their own, run with -6. */
function rules(d: Draw, devices: string[]): [string[], string[]] {
  const out: [string[], string[]] = [[], []];
  for (let k = d.int(0, 6); k > 0; k--) {
    const v6 = d.chance(0.4);
    const action = d.int(0, 6);
    const selectors = d.some([
      () => 'not',
      () => (v6 ? `from fd50:${k}::/48` : `from 10.80.${k}.0/24`),
      () => (v6 ? `to fd51::/16` : `to 10.81.0.0/16`),
      () => `tos ${d.pick(['0x10', '0x08', '0x04'])}`,
      () => `fwmark ${d.int(1, 0xffff)}${d.chance(0.5) ? `/${d.pick(['0xff', '0xffff0000', '0x1'])}` : ''}`,
      // A name no link has yet: ip prints it with iif_detached/oif_detached.
      () => `iif ${d.pick([...devices, 'lo', 'ghost0'])}`,
      () => `oif ${d.pick([...devices, 'lo', 'ghost1'])}`,
      () => `uidrange ${d.int(0, 100)}-${d.int(100, 60000)}`,
      () => `ipproto ${d.pick(['tcp', 'udp', '47', 'icmp'])}`,
      () => `sport ${d.int(1, 1000)}${d.chance(0.5) ? `-${d.int(1000, 2000)}` : ''}`,
      () => `dport ${d.int(1, 1000)}${d.chance(0.5) ? `-${d.int(1000, 2000)}` : ''}`,
      () => `protocol ${d.pick(['static', 'boot', '77'])}`,
      // IPv4 rules take only the TOS bits, not ECN's ("Invalid tos", "ECN bits must be 0"); IPv6 rules any DS field.
      () => `dsfield ${v6 ? d.pick(['0x20', '0xb8']) : d.pick(['0x08', '0x04'])}`,
      () => `realms ${d.int(1, 200)}`,
      () => `tun_id ${d.int(1, 100000)}`,
    ], 0.25);
    let what: string;
    if (action === 0) what = `table ${d.pick(['100', '200', 'main', '3000000'])}`;
    else if (action === 1) what = `lookup 100 suppress_prefixlength ${d.int(0, 32)}`;
    else if (action === 2) what = `lookup main suppress_ifgroup ${d.int(0, 5)}`;
    else if (action === 3) what = d.pick(['blackhole', 'unreachable', 'prohibit']);
    else if (action === 4) what = 'nop';
    else if (action === 6) what = 'l3mdev';
    else what = `goto ${d.int(20000, 30000)}`;
    out[v6 ? 1 : 0].push(join('rule add', `pref ${1000 + k}`, selectors, what));
  }
  return out;
}
