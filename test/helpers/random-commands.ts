// Seeded random `ip` command sequences for differential testing of `nlkit`
// against ip 6.1: mostly commands that make sense on a small topology the
// generator keeps in mind (it assumes each valid command worked), mixed with
// the spellings a user's script may hold: abbreviations ip takes, numbers in
// hex and octal, short IPv4 forms, dotted masks, and mistakes ip refuses
// (missing arguments, out-of-range values, unknown words, absent names,
// duplicated keywords). A sequence depends on its seed only, so a failing
// seed replays.
import { seededRandom } from './random.js';

type Kind = 'veth' | 'bridge' | 'macvlan' | 'vxlan' | 'ifb';

interface LinkModel {
  name: string;
  kind: Kind;
  /** Index in the per-sequence numbering used to derive addresses and MACs, so both namespaces get the same ones. */
  n: number;
}

/** One generated sequence's view of the namespace. */
class Topology {
  links: LinkModel[] = [];
  addresses: { dev: string; address: string; prefix: string; subnet: number }[] = [];
  routes: string[] = [];
  neighbours: { dev: string; dst: string }[] = [];
  rules: string[] = [];
  private serial = 0;
  nextSerial(): number {
    return ++this.serial;
  }
}

/** Global options ip takes before the object, in the forms ip accepts. */
const SHOW_OPTIONS = ['', '', '', '-j ', '-d ', '-j -d ', '-o ', '-br ', '-j -p ', '-4 ', '-6 ', '-s ', '-j -s ', '-details ', '-json ', '-f inet ', '-family inet6 '];

/** Object words as ip matches them (its `matches()`: any prefix, checked in ip's order). */
const OBJECT_WORDS: Record<string, readonly string[]> = {
  link: ['link', 'l', 'li', 'lin'],
  address: ['address', 'addr', 'a', 'ad'],
  route: ['route', 'r', 'ro', 'rou'],
  neighbour: ['neighbour', 'neigh', 'n', 'neighbor', 'ne'],
  rule: ['rule', 'ru'],
};

const KINDS: readonly Kind[] = ['veth', 'veth', 'bridge', 'macvlan', 'vxlan', 'ifb'];
const ROUTE_TYPES = ['blackhole', 'unreachable', 'prohibit', 'throw'];
const TABLES = ['', '', ' table 100', ' table 200', ' table main', ' table local', ' table 0x64', ' table 0310'];
const PROTOCOLS = ['', '', ' proto static', ' proto 42', ' proto boot', ' proto 0x10', ' proto kernel', ' protocol bird'];
const SCOPES = ['', '', ' scope link', ' scope host', ' scope global', ' scope 200'];
/** States an entry keeps while nothing is sent (delay, probe and none move on their own timers, at different moments in two namespaces). */
const NUD = ['permanent', 'reachable', 'stale', 'noarp', 'perm', 'reach', '0x80', '0x40'];

/** A generator of commands; `next()` gives the next line (no leading `ip`). */
export class RandomCommands {
  private readonly r: () => number;
  private readonly topo = new Topology();

  constructor(readonly seed: number) {
    this.r = seededRandom(seed);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }

  private chance(p: number): boolean {
    return this.r() < p;
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }

  private obj(name: keyof typeof OBJECT_WORDS): string {
    return this.chance(0.7) ? OBJECT_WORDS[name]![0]! : this.pick(OBJECT_WORDS[name]!);
  }

  /** A number as strtoul may read it: decimal, hex or octal. */
  private num(n: number): string {
    if (this.chance(0.8)) return String(n);
    return this.chance(0.5) ? `0x${n.toString(16)}` : `0${n.toString(8)}`;
  }

  private mac(n: number, low: number): string {
    return `02:00:00:00:${n.toString(16).padStart(2, '0')}:${low.toString(16).padStart(2, '0')}`;
  }

  /** An existing link's name, or now and then one that does not exist. */
  private dev(filter?: (l: LinkModel) => boolean): string {
    const pool = this.topo.links.filter(filter ?? (() => true));
    if (pool.length === 0 || this.chance(0.04)) return this.pick(['nosuch', 'lo', 'v99']);
    return this.pick(pool).name;
  }

  private linkAdd(): string {
    const t = this.topo;
    const kind = this.pick(KINDS);
    const n = t.nextSerial();
    // An ifb is `ifN`: once it is gone (or was never made), ip and nlkit read the name as ifindex N.
    const name = `${kind === 'veth' ? 'v' : kind.slice(0, 2)}${n}`;
    let opts = `address ${this.mac(n, 1)}`;
    if (this.chance(0.3)) opts += ` mtu ${this.pick(['1400', '1500', '9000', '0x5dc', '68'])}`;
    if (this.chance(0.2)) opts += ` txqueuelen ${this.num(this.int(0, 2000))}`;
    if (this.chance(0.1)) opts += ` alias a${n}`;
    let line: string;
    switch (kind) {
      case 'veth': {
        // Always a named peer with an address: a peer the kernel names gets a random MAC, different in each namespace.
        const peer = ` peer name p${n} address ${this.mac(n, 2)}${this.chance(0.3) ? ' mtu 1400' : ''}`;
        line = `${this.obj('link')} add ${name} ${opts} type veth${peer}`;
        t.links.push({ name, kind, n }, { name: `p${n}`, kind, n });
        return line;
      }
      case 'bridge': {
        let data = '';
        if (this.chance(0.6)) data += ` stp_state ${this.pick(['0', '1'])}`;
        if (this.chance(0.3)) data += ` forward_delay ${this.int(200, 3000)}`;
        if (this.chance(0.3)) data += ` vlan_filtering ${this.pick(['0', '1'])}`;
        if (this.chance(0.2)) data += ` ageing_time ${this.num(this.int(1000, 40000))}`;
        if (this.chance(0.2)) data += ` priority ${this.int(0, 65535)}`;
        if (this.chance(0.2)) data += ` mcast_snooping ${this.pick(['0', '1'])}`;
        line = `${this.obj('link')} add ${name} ${opts} type bridge${data}`;
        break;
      }
      case 'macvlan': {
        const lower = this.dev((l) => l.kind === 'veth');
        line = `${this.obj('link')} add ${name} link ${lower} ${opts} type macvlan mode ${this.pick(['bridge', 'vepa', 'private', 'passthru', 'source'])}`;
        break;
      }
      case 'vxlan': {
        let data = ` id ${this.num(this.int(1, 16777215))}`;
        if (this.chance(0.7)) data += ` dstport ${this.pick(['4789', '8472', '0'])}`;
        if (this.chance(0.3)) data += ` ttl ${this.int(0, 255)}`;
        if (this.chance(0.3)) data += ` ${this.pick(['nolearning', 'learning', 'noudpcsum', 'l2miss', 'proxy'])}`;
        if (this.chance(0.2)) data += ` local 10.${n}.0.1`;
        line = `${this.obj('link')} add ${name} ${opts} type vxlan${data}`;
        break;
      }
      case 'ifb':
        line = `${this.obj('link')} add ${name} ${opts} type ifb`;
        break;
    }
    t.links.push({ name, kind, n });
    return line;
  }

  private linkSet(): string {
    const dev = this.dev();
    const bridges = this.topo.links.filter((l) => l.kind === 'bridge');
    const change = this.pick([
      'up', 'up', 'down', `mtu ${this.pick(['1280', '1400', '1500', '9000', '0x578'])}`, `txqueuelen ${this.num(this.int(0, 5000))}`,
      `alias x${this.int(0, 99)}`, 'arp off', 'arp on', 'promisc on', 'promisc off', 'multicast off', 'allmulticast on',
      bridges.length ? `master ${this.pick(bridges).name}` : 'nomaster', 'nomaster', `group ${this.int(0, 10)}`,
      `addrgenmode ${this.pick(['none', 'eui64'])}`, `address ${this.mac(this.int(100, 200), 9)}`,
    ]);
    return `${this.obj('link')} set ${this.chance(0.2) ? 'dev ' : ''}${dev} ${change}${this.chance(0.2) ? ' up' : ''}`;
  }

  private linkDel(): string {
    const dev = this.dev((l) => l.kind !== 'veth' || l.name.startsWith('v'));
    this.removeLink(dev);
    return `${this.obj('link')} ${this.pick(['del', 'delete', 'd'])} ${this.chance(0.3) ? 'dev ' : ''}${dev}`;
  }

  private removeLink(name: string): void {
    const t = this.topo;
    const gone = t.links.find((l) => l.name === name);
    if (!gone) return;
    t.links = t.links.filter((l) => l.n !== gone.n || (gone.kind !== 'veth' && l.name !== name));
    const names = new Set(t.links.map((l) => l.name));
    t.addresses = t.addresses.filter((a) => names.has(a.dev));
    t.neighbours = t.neighbours.filter((x) => names.has(x.dev));
  }

  private linkShow(): string {
    const opts = this.pick(SHOW_OPTIONS);
    const sel = this.pick(['', '', ` ${this.dev()}`, ` dev ${this.dev()}`, ' type bridge', ' type veth', ' up', ` master ${this.dev((l) => l.kind === 'bridge')}`, ' group 0', ' type bridge_slave']);
    return `${opts}${this.obj('link')}${this.chance(0.8) ? ` ${this.pick(['show', 'list', 'sh', 'ls', 'lst'])}` : ''}${sel}`;
  }

  private v4(subnet: number, host: number): string {
    return `10.${subnet}.0.${host}`;
  }

  private addrAdd(verb: string): string {
    const t = this.topo;
    const dev = this.dev();
    const link = t.links.find((l) => l.name === dev);
    const subnet = link?.n ?? 250;
    const host = this.int(1, 20);
    let address: string;
    let prefix: string;
    if (this.chance(0.25)) {
      address = `fd00:${subnet}::${host}`;
      prefix = this.pick(['64', '64', '128', '48']);
    } else {
      address = this.v4(subnet, host);
      prefix = this.pick(['24', '24', '16', '32', '8']);
    }
    let opts = '';
    if (!address.includes(':') && this.chance(0.3)) opts += ` ${this.pick(['brd +', 'broadcast +', `brd 10.${subnet}.0.255`, 'brd -'])}`;
    if (!address.includes(':') && this.chance(0.15)) opts += ` label ${dev}:${this.int(0, 9)}`;
    if (this.chance(0.2)) opts += ` ${this.pick(['scope link', 'scope host', 'scope global', 'scope 100'])}`;
    if (this.chance(0.15)) opts += ` ${this.pick(['noprefixroute', 'home', 'nodad', 'mngtmpaddr', 'autojoin'])}`;
    if (this.chance(0.15)) opts += ` metric ${this.num(this.int(0, 1000))}`;
    if (this.chance(0.15)) opts += ` peer 10.${subnet}.1.${host}`;
    if (address.includes(':')) opts += ' nodad';
    t.addresses.push({ dev, address, prefix, subnet });
    const spelledPrefix = !address.includes(':') && prefix === '24' && this.chance(0.2) ? '255.255.255.0' : prefix;
    const local = this.chance(0.2) ? `local ${address}/${spelledPrefix}` : `${address}/${spelledPrefix}`;
    return `${this.obj('address')} ${verb} ${local}${opts} dev ${dev}`;
  }

  private addrDel(): string {
    const t = this.topo;
    if (t.addresses.length === 0) return `${this.obj('address')} del 10.1.0.1/24 dev ${this.dev()}`;
    const i = this.int(0, t.addresses.length - 1);
    const a = t.addresses[i]!;
    t.addresses.splice(i, 1);
    return `${this.obj('address')} ${this.pick(['del', 'delete', 'd'])} ${a.address}${this.chance(0.8) ? `/${a.prefix}` : ''} dev ${a.dev}`;
  }

  private addrShowOrFlush(): string {
    if (this.chance(0.2)) {
      const dev = this.dev();
      this.topo.addresses = this.topo.addresses.filter((a) => a.dev !== dev);
      return `${this.pick(['', '-4 ', '-6 '])}${this.obj('address')} flush dev ${dev}${this.chance(0.3) ? ' scope global' : ''}`;
    }
    const sel = this.pick(['', '', ` dev ${this.dev()}`, ` ${this.dev()}`, ' scope global', ' up', ' label v*', ' to 10.0.0.0/8', ' permanent', ' primary', ' secondary', ` master ${this.dev()}`, ' type veth']);
    return `${this.pick(SHOW_OPTIONS)}${this.obj('address')}${this.chance(0.8) ? ` ${this.pick(['show', 'list', 'sh', 'ls'])}` : ''}${sel}`;
  }

  /** A gateway on a subnet some address of `dev` covers, so the kernel takes it. */
  private gateway(dev: string): string | undefined {
    const a = this.topo.addresses.find((x) => x.dev === dev && !x.address.includes(':'));
    return a ? `10.${a.subnet}.0.${this.int(30, 60)}` : undefined;
  }

  private routeSpec(): string {
    const dst = this.pick([
      `172.${this.int(16, 31)}.${this.int(0, 3)}.0/24`, `192.168.${this.int(0, 9)}.0/24`, '198.51.100.0/24', `10.${this.int(100, 110)}/16`,
      'default', `203.0.113.${this.int(0, 255)}`, `fd10:${this.int(0, 9)}::/64`, '172.16/12', `192.168.${this.int(0, 9)}.0/255.255.255.0`,
    ]);
    if (this.chance(0.15)) return `${this.pick(ROUTE_TYPES)} ${dst}${this.pick(TABLES)}${this.chance(0.3) ? ` metric ${this.int(0, 500)}` : ''}`;
    const dev = this.dev((l) => l.kind !== 'bridge' || this.chance(0.5));
    const gw = dst.includes(':') ? undefined : this.gateway(dev);
    let spec = dst;
    if (gw && this.chance(0.3)) {
      const other = this.topo.addresses.filter((a) => !a.address.includes(':'));
      const second = this.pick(other);
      spec += ` nexthop via ${gw} dev ${dev}${this.chance(0.5) ? ` weight ${this.int(1, 256)}` : ''} nexthop via 10.${second.subnet}.0.${this.int(30, 60)} dev ${second.dev}`;
    } else {
      if (gw && this.chance(0.7)) spec += ` via ${gw}`;
      spec += ` dev ${dev}`;
    }
    spec += this.pick(TABLES) + this.pick(PROTOCOLS);
    if (this.chance(0.4)) spec += ` metric ${this.num(this.int(0, 2000))}`;
    if (!gw && this.chance(0.2)) spec += this.pick(SCOPES);
    if (this.chance(0.2)) spec += ` ${this.pick(['mtu 1400', 'mtu lock 1300', 'advmss 1200', 'hoplimit 9', 'initcwnd 10', 'rto_min 200ms', 'quickack 1', 'window 1000', 'rtt 3s'])}`;
    if (this.chance(0.1)) spec += ` ${this.pick(['onlink', 'tos 0x10', 'realm 5', 'pref high', 'expires 100'])}`;
    if (this.chance(0.05)) spec += ` encap ip id ${this.int(1, 99)} dst 10.9.9.${this.int(1, 9)}`;
    if (this.chance(0.05)) {
      spec += ` ${this.pick(['realms 3/4', 'realms cosmos/7', 'realm 300', 'congctl reno', 'congctl lock cubic', 'congctl nosuch', 'fastopen_no_cookie 1', 'fastopen_no_cookie 2'])}`;
    }
    if (this.chance(0.05)) spec += ` encap ${this.pick(['ip ttl 9 tos 0x10 key', 'ip csum seq', 'ip6 id 7 dst fd10::9 hoplimit 3', 'ip6 tc 0x20 key'])}`;
    if (dst.includes(':') && this.chance(0.1)) spec += ` from fd11:${this.int(0, 3)}::/64`;
    return spec;
  }

  private routeChange(): string {
    const verb = this.pick(['add', 'add', 'add', 'replace', 'change', 'append', 'prepend', 'a', 'del', 'delete']);
    let spec: string;
    if ((verb.startsWith('d') || verb === 'change') && this.topo.routes.length > 0 && this.chance(0.8)) {
      spec = this.pick(this.topo.routes);
      if (verb.startsWith('d')) this.topo.routes = this.topo.routes.filter((x) => x !== spec);
    } else {
      spec = this.routeSpec();
      this.topo.routes.push(spec);
    }
    return `${spec.includes('fd10:') && this.chance(0.5) ? '-6 ' : ''}${this.obj('route')} ${verb} ${spec}`;
  }

  private routeShow(): string {
    const r = this.chance(0.5) ? this.pick(this.topo.routes.length ? this.topo.routes : ['default']) : undefined;
    const sel = this.pick([
      '', '', ' table all', ' table 100', ' table local', ` dev ${this.dev()}`, ' proto static', ' scope link', ' type blackhole', ' root 172.16.0.0/12',
      ' match 172.16.1.1', ' exact 198.51.100.0/24', ' table 200 proto 42', ' cached', ' tos 0x10', ` via ${r?.match(/via (\S+)/)?.[1] ?? '10.1.0.40'}`, ' metric 10',
      ' table 0', ' table 999',
    ]);
    if (this.chance(0.15)) {
      const dst = this.pick(['10.1.0.7', '172.16.0.1', '203.0.113.5', '127.0.0.1', 'fd10:1::1', '127.1', '0x7f000001', '198.51.100.9']);
      return `${this.pick(['', '-j ', '-d '])}${this.obj('route')} get ${dst}${this.pick(['', '', ' from 10.1.0.1', ' mark 5', ' oif lo', ' iif lo', ' ipproto tcp dport 80', ' tos 0x10', ' fibmatch'])}`;
    }
    if (this.chance(0.08)) {
      this.topo.routes = [];
      return `${this.pick(['', '-4 ', '-6 '])}${this.obj('route')} flush${this.pick([' table 100', ' table 200', ` dev ${this.dev()}`, ' proto static', ' table all proto 42', ' type blackhole'])}`;
    }
    return `${this.pick(SHOW_OPTIONS)}${this.obj('route')}${this.chance(0.8) ? ` ${this.pick(['show', 'list', 's', 'ls'])}` : ''}${sel}`;
  }

  private neighbour(): string {
    const t = this.topo;
    const verb = this.pick(['add', 'add', 'replace', 'change', 'del', 'show', 'show', 'flush', 'get']);
    const words = this.obj('neighbour');
    if (verb === 'show' || verb === 'flush') {
      if (verb === 'flush') t.neighbours = [];
      return `${verb === 'show' ? this.pick(SHOW_OPTIONS) : ''}${words} ${verb}${this.pick(['', ` dev ${this.dev()}`, ' nud permanent', ' nud all', ' nud stale', ' proxy', ' to 10.0.0.0/8', ' nud reachable'])}`;
    }
    const existing = t.neighbours.length > 0 && verb !== 'add' && this.chance(0.8) ? this.pick(t.neighbours) : undefined;
    const dev = existing?.dev ?? this.dev();
    const dst = existing?.dst ?? (this.chance(0.8) ? `10.${this.int(1, 9)}.0.${this.int(100, 120)}` : `fd00:${this.int(1, 9)}::${this.int(100, 120)}`);
    if (verb === 'get') return `${words} get ${dst} dev ${dev}`;
    if (verb === 'del') {
      t.neighbours = t.neighbours.filter((x) => x !== existing);
      return `${words} del ${dst} dev ${dev}`;
    }
    if (!existing) t.neighbours.push({ dev, dst });
    let spec = `${dst} dev ${dev}`;
    if (this.chance(0.85)) spec += ` lladdr ${this.mac(this.int(0, 255), this.int(0, 255))}`;
    if (this.chance(0.8)) spec += ` nud ${this.pick(NUD)}`;
    if (this.chance(0.1)) spec += ` ${this.pick(['router', 'extern_learn', 'proxy', 'protocol 5', 'protocol static'])}`;
    return `${words} ${verb} ${spec}`;
  }

  private rule(): string {
    const t = this.topo;
    const verb = this.pick(['add', 'add', 'del', 'show', 'show', 'list', 'flush']);
    const words = `${this.pick(['', '', '-6 ', '-4 '])}${this.obj('rule')}`;
    if (verb === 'show' || verb === 'list') return `${this.pick(SHOW_OPTIONS)}${this.obj('rule')} ${verb}${this.pick(['', '', ' table 100', ' pref 100', ' from 10.0.0.0/8', ' fwmark 5', ' iif lo', ' lookup main', ' priority 32766'])}`;
    if (verb === 'flush') {
      t.rules = [];
      return `${words} flush${this.pick(['', ' table 100', ' pref 100'])}`;
    }
    if (verb === 'del' && t.rules.length > 0 && this.chance(0.8)) {
      const rule = this.pick(t.rules);
      t.rules = t.rules.filter((x) => x !== rule);
      return `${words} del ${rule}`;
    }
    let spec = '';
    if (this.chance(0.5)) spec += ` ${this.pick(['not ', '', ''])}from ${this.pick(['10.1.0.0/16', 'all', '192.168.1.1', '10/8', '0/0'])}`;
    if (this.chance(0.3)) spec += ` to ${this.pick(['172.16.0.0/12', '198.51.100.7', '203.0.113.0/24'])}`;
    if (this.chance(0.4)) spec += ` ${this.pick(['pref', 'priority', 'order', 'prio'])} ${this.num(this.int(1, 40000))}`;
    if (this.chance(0.3)) spec += ` fwmark ${this.pick(['5', '0x10/0xff', '0x20', '7/0x7'])}`;
    if (this.chance(0.2)) spec += ` ${this.pick(['iif', 'oif'])} ${this.dev()}`;
    if (this.chance(0.15)) spec += ` ${this.pick(['tos 0x10', 'dsfield 8', 'ipproto tcp', 'sport 80', 'dport 1000-2000', 'uidrange 100-200', 'l3mdev', 'suppress_prefixlength 0', 'suppress_ifgroup 1', 'protocol 99'])}`;
    spec += ` ${this.pick(['table', 'lookup', 'table'])} ${this.pick(['100', '200', 'main', 'local', '0x64', '1234'])}`;
    if (this.chance(0.1)) spec = spec.replace(/ (table|lookup) \S+/, ` ${this.pick(['blackhole', 'unreachable', 'prohibit', 'nop', 'goto 40000'])}`);
    t.rules.push(spec.slice(1));
    return `${words} ${verb === 'del' ? 'add' : verb}${spec}`;
  }

  /** One valid-looking command on the current topology. */
  private command(): string {
    const t = this.topo;
    const roll = this.r();
    if (t.links.length < 2 || roll < 0.12) return this.linkAdd();
    if (roll < 0.22) return this.linkSet();
    if (roll < 0.25) return this.linkDel();
    if (roll < 0.31) return this.linkShow();
    if (roll < 0.42) return this.addrAdd(this.pick(['add', 'add', 'replace', 'change', 'a']));
    if (roll < 0.45) return this.addrDel();
    if (roll < 0.51) return this.addrShowOrFlush();
    if (roll < 0.66) return this.routeChange();
    if (roll < 0.74) return this.routeShow();
    if (roll < 0.86) return this.neighbour();
    return this.rule();
  }

  /** `line` changed in one of the ways a script gets it wrong, or spells it oddly. */
  private mutate(line: string): string {
    const words = line.split(' ');
    const at = this.int(0, words.length - 1);
    const numeric = words.map((w, i) => (/^\d+$/.test(w) ? i : -1)).filter((i) => i >= 0);
    switch (this.int(0, 9)) {
      case 0: // missing argument
        return words.slice(0, Math.max(1, words.length - 1)).join(' ');
      case 1: // an unknown word
        words.splice(at + 1, 0, this.pick(['bogus', 'foo', 'help', '--', 'x1', '0']));
        return words.join(' ');
      case 2: // a keyword given twice
        if (at + 1 < words.length) words.splice(at, 0, words[at]!, words[at + 1]!);
        return words.join(' ');
      case 3: // out of range
        if (numeric.length) words[this.pick(numeric)] = this.pick(['4294967296', '99999999999', '-1', '256', '65536', '0x', '08', '1e3']);
        return words.join(' ');
      case 4: // hex or octal where a number goes
        if (numeric.length) { const i = this.pick(numeric); words[i] = this.chance(0.5) ? `0x${Number(words[i]).toString(16)}` : `0${Number(words[i]).toString(8)}`; }
        return words.join(' ');
      case 5: // a word cut to a prefix (ip takes many, refuses others)
        if (words[at]!.length > 2 && /^[a-z_]+$/.test(words[at]!)) words[at] = words[at]!.slice(0, this.int(1, words[at]!.length - 1));
        return words.join(' ');
      case 6: // short IPv4 forms
        return line.replace(/\b10\.(\d+)\.0\.(\d+)\b/, (_m, a, b) => (this.chance(0.5) ? `10.${a}.${b}` : `10.${a}.0.0${b}`));
      case 7: // an absent name
        return line.replace(/\b(dev|master|link|iif|oif) \S+/, '$1 nope0');
      case 8: // a global option
        return `${this.pick(['-4 ', '-6 ', '-j ', '-d ', '-o ', '-s ', '-0 ', '-f link ', '-b ', '-family foo ', '-x '])}${line}`;
      default: // the first word abbreviated harder
        return line.replace(/^(-\S+ )*(\S+)/, (_m, opts: string | undefined, w: string) => `${opts ?? ''}${w.slice(0, 1)}`);
    }
  }

  /** The next command line (without `ip`). */
  next(): string {
    const line = this.command();
    return this.chance(0.25) ? this.mutate(line) : line;
  }
}

/** The first `count` commands of seed `seed`. */
export function randomCommands(seed: number, count: number): string[] {
  const g = new RandomCommands(seed);
  return Array.from({ length: count }, () => g.next());
}
