import { ICMP_PORT_UNREACH } from '../../generated/icmp.js';
import { ICMPV6_PORT_UNREACH } from '../../generated/icmpv6.js';
import { IPPROTO_TCP } from '../../generated/in.js';
import { ETH_P_IPV6 } from '../../generated/if_ether.js';
import { NFPROTO_IPV6 } from '../../generated/netfilter.js';
import {
  NFT_REJECT_ICMPX_ADMIN_PROHIBITED, NFT_REJECT_ICMPX_HOST_UNREACH, NFT_REJECT_ICMPX_NO_ROUTE,
  NFT_REJECT_ICMPX_PORT_UNREACH, NFT_REG_1, NFT_REG_2, NFT_REG_VERDICT,
} from '../../generated/nf_tables.js';
import { encodeIp, InvalidArgumentError, ipFamily } from '../../netlink/addresses.js';
import { describeValue, jsonOf, optionalObject, requireBoolean, requireInteger, requireKnownKeys, requireObject, requireString } from '../../netlink/checks.js';
import { commentEntry, UDATA_COMMENT } from '../protocol/userdata.js';
import { familyNumber } from '../objects/family.js';
import { requireName } from '../objects/names.js';
import { LIMIT_UNITS, type LimitUnit } from '../expressions/limit.js';
import type { LogFlag, LogLevel } from '../expressions/log.js';
import type { NatFlag } from '../expressions/nat-flags.js';
import type { FibFlag, FibResult } from '../expressions/fib.js';
import type { Expression } from '../expressions/types.js';
import { DATATYPES } from '../objects/datatypes.js';
import type { NftFamily } from '../objects/family.js';
import type { LinearizeContext, RuleSource } from '../objects/rule.js';
import type { AnonymousSetRequest } from '../objects/set.js';
import type { Verdict } from '../protocol/data.js';
import {
  CT_FIELDS, CT_STATE_TYPE, CT_STATUS_TYPE, ctField, ETHER_FIELDS, FIB_ADDRTYPE_TYPE, IP6_FIELDS, IP_FIELDS, META_FIELDS, portFields,
} from './fields.js';
import {
  numgenSource, rtSource, socketSource, symhashSource, TCP_OPTION_FIELDS, tcpOptionPresence, tcpOptionSource,
  type NumgenOptions, type RtMatchKey, type SocketMatchKey, type SymhashOptions, type TcpOptionName,
} from './kernel-sources.js';
import { cmp, Linearizer, type NetworkProtocol, type Source } from './linearizer.js';
import { relationAndOperand, type Operand, type Relation } from './operands.js';

/** A match on one field: `(value)` or `(relation, value)`, e.g. `tcp.dport('!=', 22)`. */
export interface Matcher {
  (value: Operand): RuleBuilder;
  (relation: Relation, value: Operand): RuleBuilder;
}

type Step = (l: Linearizer) => void;

const ICMPX_CODES: Record<string, number> = {
  'no-route': NFT_REJECT_ICMPX_NO_ROUTE,
  'port-unreachable': NFT_REJECT_ICMPX_PORT_UNREACH,
  'host-unreachable': NFT_REJECT_ICMPX_HOST_UNREACH,
  'admin-prohibited': NFT_REJECT_ICMPX_ADMIN_PROHIBITED,
};

/** NAT flags nft writes after the target: `snat to 10.0.0.1 random, persistent`. */
export interface NatOptions {
  /** `random`: pick the port (or address) from the range by a hash instead of keeping it (NF_NAT_RANGE_PROTO_RANDOM). */
  random?: boolean;
  /** `fully-random`: pick ports with a PRNG for every connection (NF_NAT_RANGE_PROTO_RANDOM_FULLY). */
  fullyRandom?: boolean;
  /** `persistent`: give a client the same address on every connection (NF_NAT_RANGE_PERSISTENT). */
  persistent?: boolean;
}

/** What `log()` takes: `log prefix "x" level info`, or `log group 2` for nflog. */
export interface LogOptions {
  /** `log prefix "dropped: "`: text put before the log line, at most 127 bytes. */
  prefix?: string;
  /** Kernel-log level; default `warn`. Not with `group`. */
  level?: LogLevel;
  /** nflog group instead of the kernel log. */
  group?: number;
  /** Bytes of the packet copied to the nflog group; only with `group`. */
  snaplen?: number;
  /** Extra details in the line: `tcp sequence`, `tcp options`, `ip options`, `skuid`, `ether`. */
  flags?: LogFlag[];
}

/** What `limit()` takes: `{ rate: 10, per: 'second' }` is `limit rate 10/second`. */
export interface LimitOptions {
  /** Packets (or, with `bytes`, bytes) allowed per `per`; an integer of at least 1. */
  rate: number;
  /** The period the rate counts over: `second`, `minute`, `hour`, `day` or `week`. */
  per: LimitUnit;
  /** Default 5 packets (0 for byte rates), like nft. */
  burst?: number;
  /** Rate in bytes rather than packets. */
  bytes?: boolean;
  /** `limit rate over`: match only above the rate. */
  over?: boolean;
}

/**
 * Builds a rule with nft's words, in nft's order:
 * `rule().ip.saddr('10.88.0.0/16').tcp.dport(8080).counter().accept()` is
 * `ip saddr 10.88.0.0/16 tcp dport 8080 counter accept`. It produces the
 * expressions `nft` produces for the same text, for the table's family.
 */
export class RuleBuilder implements RuleSource {
  private readonly steps: Step[] = [];
  ruleComment: string | undefined;

  // ---- matches -----------------------------------------------------------------

  private matcher(source: Source, after?: (l: Linearizer, relation: Relation, operand: Operand) => void): Matcher {
    return ((...args: unknown[]) => {
      const { relation, operand } = relationAndOperand(args, source.name);
      this.steps.push((l) => {
        l.match(source, relation, operand);
        after?.(l, relation, operand);
      });
      return this;
    }) as Matcher;
  }

  /** Matches that also tell the linearizer which protocol the packet has (`ip protocol tcp`). */
  private protocolMatcher(source: Source, establish: (l: Linearizer, value: number) => void): Matcher {
    return this.matcher(source, (l, relation, operand) => {
      if (relation === '==' && (typeof operand === 'string' || typeof operand === 'number')) {
        const bytes = source.type.encode(operand, source.name);
        establish(l, source.type.byteorder === 'big' ? bytes.readUIntBE(0, bytes.length) : bytes.readUIntLE(0, bytes.length));
      }
    });
  }

  /**
   * IPv4 header matches (`ip saddr 10.0.0.0/8`). In an `inet`, `bridge` or
   * `netdev` table they first check that the packet is IPv4, as nft does; an
   * `ip6` or `arp` table refuses them with InvalidArgumentError.
   */
  get ip() {
    return {
      /** `ip saddr`: source address, a prefix (`10.0.0.0/8`), a range, a set `@name` or a list. */
      saddr: this.matcher(IP_FIELDS.saddr),
      /** `ip daddr`: destination address, a prefix, a range, a set `@name` or a list. */
      daddr: this.matcher(IP_FIELDS.daddr),
      /** `ip protocol tcp`: the IPv4 protocol field; an equality also tells later port matches which header to read. */
      protocol: this.protocolMatcher(IP_FIELDS.protocol, (l, p) => l.establishTransport(p)),
      /** `ip ttl`: time to live, 0-255. */
      ttl: this.matcher(IP_FIELDS.ttl),
      /** `ip length`: total length of the IPv4 packet in bytes, header included. */
      length: this.matcher(IP_FIELDS.length),
    };
  }

  /** IPv6 header matches (`ip6 saddr fd00::/64`); `inet`, `bridge` and `netdev` tables first check that the packet is IPv6, `ip` and `arp` tables refuse them. */
  get ip6() {
    return {
      /** `ip6 saddr`: source address, a prefix (`fd00::/64`), a range, a set `@name` or a list. */
      saddr: this.matcher(IP6_FIELDS.saddr),
      /** `ip6 daddr`: destination address, a prefix, a range, a set `@name` or a list. */
      daddr: this.matcher(IP6_FIELDS.daddr),
      /** `ip6 nexthdr tcp`: the next header field (not walking extension headers); an equality also sets the transport protocol. */
      nexthdr: this.protocolMatcher(IP6_FIELDS.nexthdr, (l, p) => l.establishTransport(p)),
      /** `ip6 hoplimit`: hop limit, 0-255. */
      hoplimit: this.matcher(IP6_FIELDS.hoplimit),
    };
  }

  /** Ethernet header matches (`ether saddr 02:00:00:00:00:01`): the link-layer header of packets that came in over Ethernet. */
  get ether() {
    return {
      /** `ether saddr`: source MAC address. */
      saddr: this.matcher(ETHER_FIELDS.saddr),
      /** `ether daddr`: destination MAC address. */
      daddr: this.matcher(ETHER_FIELDS.daddr),
      /** `ether type`: the ethertype, `ip`, `ip6`, `arp` or a number. */
      type: this.matcher(ETHER_FIELDS.type),
    };
  }

  /** TCP header matches (`tcp dport 22`); they first check `meta l4proto tcp` unless the protocol is already known. */
  get tcp() {
    const f = portFields('tcp');
    return {
      /** `tcp sport`: source port, a range (`1024-65535`), a set `@name` or a list. */
      sport: this.matcher(f.sport),
      /** `tcp dport`: destination port, a range, a set `@name` or a list (`[80, 443]`). */
      dport: this.matcher(f.dport),
    };
  }

  /** UDP header matches (`udp dport 53`); they first check `meta l4proto udp` unless the protocol is already known. */
  get udp() {
    const f = portFields('udp');
    return {
      /** `udp sport`: source port, a range, a set `@name` or a list. */
      sport: this.matcher(f.sport),
      /** `udp dport`: destination port, a range, a set `@name` or a list. */
      dport: this.matcher(f.dport),
    };
  }

  /** The transport header of any protocol with ports (`th dport 53`). */
  get th() {
    const f = portFields('th');
    return {
      /** `th sport`: source port of whatever transport protocol the packet has (TCP, UDP, SCTP, DCCP...). */
      sport: this.matcher(f.sport),
      /** `th dport`: destination port of whatever transport protocol the packet has. */
      dport: this.matcher(f.dport),
    };
  }

  /** Packet metadata matches (`meta l4proto tcp`, `meta mark 0x1`): properties the kernel knows about the packet, not header bytes. */
  get meta() {
    return {
      /** `meta l4proto tcp`: the transport protocol, after IPv6 extension headers; an equality also sets it for port matches. */
      l4proto: this.protocolMatcher(META_FIELDS.l4proto, (l, p) => l.establishTransport(p)),
      /** `meta nfproto ipv4`: the packet's netfilter family, useful in `inet` tables; an equality also sets the network header. */
      nfproto: this.protocolMatcher(META_FIELDS.nfproto, (l, p) => l.establishNetwork(networkOfNfproto(p))),
      /** `meta protocol ip6`: the ethertype of the packet (skb->protocol); an equality also sets the network header. */
      protocol: this.protocolMatcher(META_FIELDS.protocol, (l, p) => l.establishNetwork(p === ETH_P_IPV6 ? 'ip6' : 'ip')),
      /** `meta mark`: the packet mark (skb->mark), a 32-bit number. */
      mark: this.matcher(META_FIELDS.mark),
      /** `meta iif`: input interface index; fixed at rule load, so prefer `iifname` for interfaces that come and go. */
      iif: this.matcher(META_FIELDS.iif),
      /** `meta oif`: output interface index; fixed at rule load, so prefer `oifname` for interfaces that come and go. */
      oif: this.matcher(META_FIELDS.oif),
      /** `meta iifname "eth0"`: input interface name, or a prefix ending in `*`. */
      iifname: this.ifnameMatcher(META_FIELDS.iifname),
      /** `meta oifname "eth0"`: output interface name, or a prefix ending in `*`. */
      oifname: this.ifnameMatcher(META_FIELDS.oifname),
      /** `meta skuid`: UID owning the sending socket (locally generated packets: output and postrouting). */
      skuid: this.matcher(META_FIELDS.skuid),
      /** `meta skgid`: GID owning the sending socket (locally generated packets). */
      skgid: this.matcher(META_FIELDS.skgid),
      /** `meta pkttype`: `host`, `broadcast`, `multicast` or `other`, from the link-layer destination. */
      pkttype: this.matcher(META_FIELDS.pkttype),
    };
  }

  /** `iifname "veth*"`: a name, or a prefix ending in `*`. */
  get iifname(): Matcher {
    return this.ifnameMatcher(META_FIELDS.iifname);
  }

  /** `oifname "eth*"`: an output interface name, or a prefix ending in `*`. */
  get oifname(): Matcher {
    return this.ifnameMatcher(META_FIELDS.oifname);
  }

  private ifnameMatcher(source: Source): Matcher {
    return ((...args: unknown[]) => {
      const { relation, operand } = relationAndOperand(args, source.name);
      this.steps.push((l) => {
        if (typeof operand === 'string' && operand.endsWith('*') && !operand.startsWith('@')) {
          // A wildcard compares only the prefix bytes, without the NUL.
          if (relation !== '==' && relation !== '!=') throw new InvalidArgumentError(`${source.name}: a wildcard takes == or !=`);
          const prefix = Buffer.from(operand.slice(0, -1));
          if (prefix.length === 0 || prefix.length >= 16) throw new InvalidArgumentError(`${source.name} "${operand}" needs a prefix of 1-15 bytes`);
          l.emit(source.load(source.length), cmp(relation === '==' ? 'eq' : 'neq', prefix));
        } else {
          l.match(source, relation, operand);
        }
      });
      return this;
    }) as Matcher;
  }

  /** Connection tracking matches (`ct state established,related`): properties of the packet's conntrack entry. */
  get ct() {
    return {
      /** `ct state established,related`: any of the states. */
      state: (...states: string[]) => this.flagMatch(ctField('state', CT_STATE_TYPE), states),
      /** `ct status dnat`: any of the status bits (`expected`, `seen-reply`, `assured`, `confirmed`, `snat`, `dnat`, `dying`); a leading `!=` compares the whole value. */
      status: (...statuses: string[]) => this.flagMatch(ctField('status', CT_STATUS_TYPE), statuses),
      /** `ct mark`: the connection's mark (a 32-bit number), set with `setCtMark`. */
      mark: this.matcher(CT_FIELDS.mark),
      /** `ct zone`: the conntrack zone, 0-65535. */
      zone: this.matcher(CT_FIELDS.zone),
      /** `ct direction original`: whether the packet goes the way the connection started (`original`) or back (`reply`). */
      direction: this.matcher(CT_FIELDS.direction),
    };
  }

  /** `ct state established,related` (any of the bits set) or, with a leading `!=`, a value other than that one. */
  private flagMatch(source: Source, values: string[]): RuleBuilder {
    let relation: Relation = '==';
    if (values[0] === '!=' || values[0] === '==') relation = values.shift() as Relation;
    if (values.length === 0) throw new InvalidArgumentError(`${source.name} needs at least one value`);
    let mask = 0;
    for (const v of values) mask |= source.type.encode(v, source.name).readUInt32LE(0);
    this.steps.push((l) => {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32LE(mask >>> 0);
      // `ct state new` tests the bits; `ct state != new` compares the whole value, as nft does.
      if (relation === '!=') {
        l.emit(source.load(4), cmp('neq', bytes));
        return;
      }
      l.emit(
        source.load(4),
        { kind: 'bitwise', sreg: NFT_REG_1, dreg: NFT_REG_1, length: 4, op: 'bool', mask: bytes, xor: Buffer.alloc(4) },
        cmp('neq', Buffer.alloc(4)),
      );
    });
    return this;
  }

  /** `fib daddr type local`: a routing lookup keyed by `lookup`, matching its `result`. */
  fib(lookup: FibFlag | FibFlag[], result: FibResult, ...args: [Operand] | [Relation, Operand]): this {
    const flags = Array.isArray(lookup) ? lookup : [lookup];
    for (const flag of flags) {
      if (!FIB_LOOKUPS.includes(flag)) throw new InvalidArgumentError(`fib lookup must be any of ${FIB_LOOKUPS.join(', ')}, got ${describeValue(flag)}`);
    }
    if (!FIB_RESULTS.includes(result)) throw new InvalidArgumentError(`fib result must be one of ${FIB_RESULTS.join(', ')}, got ${describeValue(result)}`);
    const type = result === 'type' ? FIB_ADDRTYPE_TYPE : result === 'oifname' ? DATATYPES.ifname! : DATATYPES.iface_index!;
    const source: Source = {
      name: `fib ${flags.join(' . ')} ${result}`, type, length: type.length,
      load: () => ({ kind: 'fib', dreg: NFT_REG_1, result, flags }),
    };
    return this.matcher(source)(...(args as [Operand])) as this;
  }

  /** `rt mtu 1400`, `rt ip nexthop 192.0.2.1`: routing data of the packet (rt nexthop and mtu run in forward, output and postrouting chains). */
  rt(key: RtMatchKey, ...args: [Operand] | [Relation, Operand]): this {
    return this.matcher(rtSource(key))(...(args as [Operand])) as this;
  }

  /** `socket transparent 1`, `socket mark 0x5`: a property of the local socket the packet belongs to (prerouting, input and output chains). */
  socket(key: SocketMatchKey, ...args: [Operand] | [Relation, Operand]): this {
    return this.matcher(socketSource(key))(...(args as [Operand])) as this;
  }

  /** `numgen inc mod 2 0`: a number generated per packet (round robin or random), matched like any value. */
  numgen(options: NumgenOptions, ...args: [Operand] | [Relation, Operand]): this {
    return this.matcher(numgenSource(options))(...(args as [Operand])) as this;
  }

  /** `symhash mod 2 0`: the flow's symmetric hash (the same for both directions), matched like any value. */
  symhash(options: SymhashOptions, ...args: [Operand] | [Relation, Operand]): this {
    return this.matcher(symhashSource(options))(...(args as [Operand])) as this;
  }

  /** `tcp option maxseg size 1400`: a field of a TCP option (after `meta l4proto tcp`, as nft puts it). */
  tcpOption(name: TcpOptionName, field: string, ...args: [Operand] | [Relation, Operand]): this {
    return this.matcher(tcpOptionSource(name, field))(...(args as [Operand])) as this;
  }

  /** `tcp option sack-perm exists` (or `missing` with `false`). */
  tcpOptionExists(name: TcpOptionName, exists = true): this {
    if (typeof exists !== 'boolean') throw new InvalidArgumentError(`tcpOptionExists takes true (exists) or false (missing), got ${describeValue(exists)}`);
    const source = tcpOptionPresence(name);
    this.steps.push((l) => {
      source.before?.(l);
      l.emit(source.load(1), cmp('eq', Buffer.from([exists ? 1 : 0])));
    });
    return this;
  }

  // ---- statements --------------------------------------------------------------

  private add(...expressions: Expression[]): this {
    this.steps.push((l) => l.emit(...expressions));
    return this;
  }

  /** `counter`, optionally starting from given counts. */
  counter(start?: { packets: number; bytes: number }): this {
    const s = optionalObject<{ packets?: unknown; bytes?: unknown }>(start, 'counter start', {}, '{ packets: 0, bytes: 0 }');
    requireKnownKeys(s, COUNTER_KEYS, 'counter start');
    const packets = s.packets === undefined ? 0 : requireInteger(s.packets, 'counter start packets', 0, Number.MAX_SAFE_INTEGER);
    const bytes = s.bytes === undefined ? 0 : requireInteger(s.bytes, 'counter start bytes', 0, Number.MAX_SAFE_INTEGER);
    return this.add({ kind: 'counter', packets, bytes });
  }

  private verdict(verdict: Verdict): this {
    return this.add({ kind: 'immediate', dreg: NFT_REG_VERDICT, verdict });
  }

  /**
   * `tcp option maxseg size set 1360` (MSS clamping), or `set rt mtu` to the route's MSS, turned
   * big-endian first as nft does. Like nft, no `meta l4proto tcp` goes first: the kernel leaves
   * packets that are not TCP, or have no such option, alone.
   */
  setTcpMss(value: number | 'rt mtu'): this {
    const mss = value === 'rt mtu' ? undefined : requireInteger(value, 'setTcpMss value (or "rt mtu")', 0, 0xffff);
    this.steps.push((l) => {
      if (mss === undefined) {
        l.emit({ kind: 'rt', key: 'tcpmss', dreg: NFT_REG_1 }, { kind: 'byteorder', sreg: NFT_REG_1, dreg: NFT_REG_1, op: 'hton', length: 2, size: 2 });
      } else {
        const data = Buffer.alloc(2);
        data.writeUInt16BE(mss);
        l.emit({ kind: 'immediate', dreg: NFT_REG_1, data });
      }
      l.emit({ kind: 'exthdr', sreg: NFT_REG_1, type: TCP_OPTION_FIELDS.maxseg.kind, offset: 2, length: 2, op: 'tcpopt' });
    });
    return this;
  }

  /** `accept`: ends rule evaluation for this hook and lets the packet through (later hooks still see it). */
  accept(): this {
    return this.verdict({ code: 'accept' });
  }

  /** `drop`: discards the packet, with no answer to the sender. */
  drop(): this {
    return this.verdict({ code: 'drop' });
  }

  /** `continue`: goes on with the next rule, as if this one had not matched. */
  continue(): this {
    return this.verdict({ code: 'continue' });
  }

  /** `return`: leaves the current chain for the one that jumped to it; in a base chain, applies its policy. */
  return(): this {
    return this.verdict({ code: 'return' });
  }

  /**
   * `jump <chain>`: runs the rules of another chain of the same table, then comes back here unless it decided.
   * @throws InvalidArgumentError when `chain` is not a valid chain name.
   */
  jump(chain: string): this {
    return this.verdict({ code: 'jump', chain: requireName(chain, 'jump target chain') });
  }

  /**
   * `goto <chain>`: continues in another chain without coming back; its end returns to this chain's caller.
   * @throws InvalidArgumentError when `chain` is not a valid chain name.
   */
  goto(chain: string): this {
    return this.verdict({ code: 'goto', chain: requireName(chain, 'goto target chain') });
  }

  /** `reject` (ICMP port unreachable, per family), `reject with tcp reset`, or an icmpx code. */
  reject(options?: { with?: 'tcp reset' | keyof typeof ICMPX_CODES }): this {
    options = optionalObject(options, 'reject options', {}, "{ with: 'tcp reset' }");
    requireKnownKeys(options, REJECT_KEYS, 'reject options');
    const how = options.with;
    if (how !== undefined && how !== 'tcp reset' && !Object.hasOwn(ICMPX_CODES, how)) {
      throw new InvalidArgumentError(`reject with ${describeValue(how)}: use tcp reset or ${Object.keys(ICMPX_CODES).join(', ')}`);
    }
    this.steps.push((l) => {
      if (options.with === 'tcp reset') {
        l.requireTransport(IPPROTO_TCP);
        l.emit({ kind: 'reject', type: 'tcp-rst' });
        return;
      }
      if (options.with !== undefined) {
        const code = ICMPX_CODES[options.with];
        if (code === undefined) throw new InvalidArgumentError(`reject with ${jsonOf(options.with)}: use tcp reset or ${Object.keys(ICMPX_CODES).join(', ')}`);
        l.emit({ kind: 'reject', type: 'icmpx-unreach', code });
        return;
      }
      if (l.family === 'ip') l.emit({ kind: 'reject', type: 'icmp-unreach', code: ICMP_PORT_UNREACH });
      else if (l.family === 'ip6') l.emit({ kind: 'reject', type: 'icmp-unreach', code: ICMPV6_PORT_UNREACH });
      else l.emit({ kind: 'reject', type: 'icmpx-unreach', code: NFT_REJECT_ICMPX_PORT_UNREACH });
    });
    return this;
  }

  /**
   * `log`: writes a kernel-log line for the packet (default level `warn`), or sends it to an nflog group.
   * @throws InvalidArgumentError for an unknown option, a level with a group, or a value out of range.
   */
  log(options?: LogOptions): this {
    options = optionalObject<LogOptions>(options, 'log options', {}, "{ prefix: 'dropped: ' }");
    requireKnownKeys(options, LOG_KEYS, 'log options');
    if (options.prefix !== undefined) requireString(options.prefix, 'log options prefix');
    if (options.group !== undefined) requireInteger(options.group, 'log options group', 0, 0xffff);
    if (options.snaplen !== undefined) requireInteger(options.snaplen, 'log options snaplen', 0, 0xffffffff);
    if (options.level !== undefined && !LOG_LEVELS.includes(options.level)) {
      throw new InvalidArgumentError(`log options level must be one of ${LOG_LEVELS.join(', ')}, got ${describeValue(options.level)}`);
    }
    if (options.flags !== undefined && !Array.isArray(options.flags)) throw new InvalidArgumentError(`log options flags must be an array, got ${describeValue(options.flags)}`);
    const e: Expression = { kind: 'log' };
    if (options.prefix !== undefined) e.prefix = options.prefix;
    if (options.group !== undefined) e.group = options.group;
    if (options.snaplen !== undefined) e.snaplen = options.snaplen;
    // The kernel logs at warn unless told otherwise, and reports that level back.
    if (options.group === undefined) e.level = options.level ?? 'warn';
    else if (options.level !== undefined) throw new InvalidArgumentError('log: level applies to the kernel log, not to an nflog group');
    if (options.flags !== undefined) e.flags = options.flags;
    return this.add(e);
  }

  /**
   * `limit rate [over] 10/second [burst 5 packets]`: matches while the traffic stays under a token-bucket rate (or, with `over`, above it).
   * @throws InvalidArgumentError for an unknown option, a rate below 1 or an unknown period.
   */
  limit(options: LimitOptions): this {
    requireObject(options, 'limit options', "{ rate: 10, per: 'second' }");
    requireKnownKeys(options, LIMIT_KEYS, 'limit options');
    requireInteger(options.rate, 'limit options rate', 1, Number.MAX_SAFE_INTEGER);
    if (options.burst !== undefined) requireInteger(options.burst, 'limit options burst', 0, 0xffffffff);
    if (options.bytes !== undefined) requireBoolean(options.bytes, 'limit options bytes');
    if (options.over !== undefined) requireBoolean(options.over, 'limit options over');
    const unit = typeof options.per === 'string' && Object.hasOwn(LIMIT_UNITS, options.per) ? LIMIT_UNITS[options.per] : undefined;
    if (unit === undefined) throw new InvalidArgumentError(`limit per ${jsonOf(options.per)}: use ${Object.keys(LIMIT_UNITS).join(', ')}`);
    return this.add({
      kind: 'limit', rate: options.rate, unit, burst: options.burst ?? (options.bytes ? 0 : 5),
      type: options.bytes ? 'bytes' : 'packets', invert: options.over ?? false,
    });
  }

  /** `quota [over] 100000 bytes`: an anonymous quota of this rule, matching until `bytes` have passed (or, with `over`, after). */
  quota(bytes: number, options?: { over?: boolean }): this {
    requireInteger(bytes, 'quota bytes', 0, Number.MAX_SAFE_INTEGER);
    const o = optionalObject<{ over?: boolean }>(options, 'quota options', {}, '{ over: true }');
    requireKnownKeys(o, OVER_KEYS, 'quota options');
    const over = o.over === undefined ? false : requireBoolean(o.over, 'quota options over');
    return this.add({ kind: 'quota', bytes, over, consumed: 0 });
  }

  /** `notrack`: exempts the packet from connection tracking; effective only in chains that run before conntrack (priority below -200, such as `raw`). */
  notrack(): this {
    return this.add({ kind: 'notrack' });
  }

  /** `meta mark set <value>`. */
  setMark(value: number): this {
    return this.add(
      { kind: 'immediate', dreg: NFT_REG_1, data: DATATYPES.mark!.encode(value, 'meta mark set') },
      { kind: 'meta', key: 'mark', sreg: NFT_REG_1 },
    );
  }

  /** `ct mark set <value>`. */
  setCtMark(value: number): this {
    return this.add(
      { kind: 'immediate', dreg: NFT_REG_1, data: DATATYPES.mark!.encode(value, 'ct mark set') },
      { kind: 'ct', key: 'mark', sreg: NFT_REG_1 },
    );
  }

  /** `masquerade [to :port[-port]] [random,persistent,fully-random]`. */
  masquerade(options?: NatOptions & { ports?: number | string }): this {
    const o = natOptions(options, 'masquerade options', MASQUERADE_KEYS);
    const ports = o.ports === undefined ? undefined : portRange(o.ports, 'masquerade to');
    this.steps.push((l) => {
      const flags = natFlags(o);
      const e: Expression = { kind: 'masq' };
      if (ports !== undefined) {
        const [min, max] = ports;
        l.emit(portImmediate(NFT_REG_1, min));
        if (max !== min) l.emit(portImmediate(NFT_REG_2, max));
        e.protoMin = NFT_REG_1;
        e.protoMax = max !== min ? NFT_REG_2 : NFT_REG_1;
        flags.unshift('proto-specified');
      }
      if (flags.length) e.flags = flags;
      l.emit(e);
    });
    return this;
  }

  /** `snat to <address>[-<address>][:<port>[-<port>]]`; IPv6 as `[fd00::1]:80`. */
  snat(to: string, options?: NatOptions): this {
    return this.nat('snat', to, options);
  }

  /** `dnat to <address>[-<address>][:<port>[-<port>]]` (the CNI portmap's rewrite). */
  dnat(to: string, options?: NatOptions): this {
    return this.nat('dnat', to, options);
  }

  private nat(type: 'snat' | 'dnat', to: string, natOptionsGiven: NatOptions | undefined): this {
    const target = parseNatTarget(to, `${type} to`);
    const options = natOptions(natOptionsGiven, `${type} options`, NAT_KEYS);
    this.steps.push((l) => {
      if ((l.family === 'ip' && target.family !== 'ip') || (l.family === 'ip6' && target.family !== 'ip6')) {
        throw new InvalidArgumentError(`${type} to ${to}: an ${target.family === 'ip' ? 'IPv4' : 'IPv6'} address in an ${l.family} table`);
      }
      let reg = NFT_REG_1;
      const e: Expression = { kind: 'nat', type, family: target.family };
      l.emit({ kind: 'immediate', dreg: reg, data: encodeIp(target.addresses[0]) });
      e.addrMin = reg;
      if (target.addresses[1] !== target.addresses[0]) l.emit({ kind: 'immediate', dreg: ++reg, data: encodeIp(target.addresses[1]) });
      e.addrMax = reg;
      const flags: NatFlag[] = ['map-ips'];
      if (target.ports) {
        l.emit(portImmediate(++reg, target.ports[0]));
        e.protoMin = reg;
        if (target.ports[1] !== target.ports[0]) l.emit(portImmediate(++reg, target.ports[1]));
        e.protoMax = reg;
        flags.push('proto-specified');
      }
      e.flags = [...flags, ...natFlags(options)];
      l.emit(e);
    });
    return this;
  }

  /** `redirect [to :port]`: to the local host. */
  redirect(port?: number | string): this {
    if (port !== undefined) portRange(port, 'redirect to');
    this.steps.push((l) => {
      const e: Expression = { kind: 'redir' };
      if (port !== undefined) {
        const [min, max] = portRange(port, 'redirect to');
        l.emit(portImmediate(NFT_REG_1, min));
        if (max !== min) l.emit(portImmediate(NFT_REG_2, max));
        e.protoMin = NFT_REG_1;
        e.protoMax = max !== min ? NFT_REG_2 : NFT_REG_1;
        e.flags = ['proto-specified'];
      }
      l.emit(e);
    });
    return this;
  }

  /** Raw expressions, for anything the vocabulary lacks. */
  expression(...expressions: Expression[]): this {
    expressions.forEach((e, i) => {
      if (e === null || typeof e !== 'object' || typeof e.kind !== 'string') {
        throw new InvalidArgumentError(`expression #${i} must be an object with a kind, like { kind: 'counter' }, got ${describeValue(e)}`);
      }
    });
    return this.add(...expressions);
  }

  /** Stores a comment with the rule (`comment "..."`), shown by `nft list`. */
  comment(text: string): this {
    commentEntry(UDATA_COMMENT, text, 'rule');
    this.ruleComment = text;
    return this;
  }

  // ---- output ------------------------------------------------------------------

  /**
   * The expressions nft would generate for this rule in the context's family and table, anonymous sets requested through `context`; called by `addRule`.
   * @throws InvalidArgumentError when a match does not fit the family (an `ip6` field in an `ip` table) or a value does not fit its field.
   */
  linearize(context: LinearizeContext): Expression[] {
    requireObject(context, 'linearize context', "{ family: 'inet', table: 'filter', anonymousSet }");
    familyNumber(context.family, 'linearize context family');
    const l = new Linearizer(context);
    for (const step of this.steps) step(l);
    return l.out;
  }

  /**
   * The expressions for a table of `family`, outside any batch: anonymous
   * sets get placeholder names (`__set%d`) and ids from 1, as a batch would give them.
   */
  expressions(family: NftFamily, table = 'table'): Expression[] {
    familyNumber(family, 'family');
    requireName(table, 'table');
    let id = 0;
    return this.linearize({
      family,
      table,
      anonymousSet: (_request: AnonymousSetRequest) => ({ name: '__set%d', id: ++id }),
    });
  }
}

/** Starts a rule: `rule().tcp.dport(22).accept()`. */
export function rule(): RuleBuilder {
  return new RuleBuilder();
}

const COUNTER_KEYS = new Set(['packets', 'bytes']);
const REJECT_KEYS = new Set(['with']);
const LOG_KEYS = new Set(['prefix', 'level', 'group', 'snaplen', 'flags']);
const LOG_LEVELS: readonly string[] = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug', 'audit'];
const LIMIT_KEYS = new Set(['rate', 'per', 'burst', 'bytes', 'over']);
const OVER_KEYS = new Set(['over']);
const NAT_KEYS = new Set(['random', 'fullyRandom', 'persistent']);
const MASQUERADE_KEYS = new Set([...NAT_KEYS, 'ports']);
const FIB_LOOKUPS: readonly unknown[] = ['saddr', 'daddr', 'mark', 'iif', 'oif', 'present'];
const FIB_RESULTS: readonly unknown[] = ['oif', 'oifname', 'type'];

/** NAT flag options: optional, an object of known booleans. */
function natOptions<O extends NatOptions>(options: O | undefined, what: string, keys: ReadonlySet<string>): O {
  const o = optionalObject<O>(options, what, {} as O, '{ persistent: true }');
  requireKnownKeys(o, keys, what);
  for (const key of NAT_KEYS) if (o[key as keyof NatOptions] !== undefined) requireBoolean(o[key as keyof NatOptions], `${what} ${key}`);
  return o;
}

function networkOfNfproto(n: number): NetworkProtocol {
  return n === NFPROTO_IPV6 ? 'ip6' : 'ip';
}

/** The NAT flags of `options`, in the order nft sends them. */
export function natFlags(options: NatOptions): NatFlag[] {
  const flags: NatFlag[] = [];
  if (options.random) flags.push('random');
  if (options.persistent) flags.push('persistent');
  if (options.fullyRandom) flags.push('fully-random');
  return flags;
}

function portImmediate(dreg: number, port: number): Expression {
  const data = Buffer.alloc(2);
  data.writeUInt16BE(port);
  return { kind: 'immediate', dreg, data };
}

function parsePort(text: string | number, what: string): number {
  const n = typeof text === 'number' ? text : typeof text === 'string' && /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new InvalidArgumentError(`${what}: ${jsonOf(text)} is not a port (0-65535)`);
  return n;
}

function portRange(value: number | string, what: string): [number, number] {
  if (typeof value === 'number') return [parsePort(value, what), parsePort(value, what)];
  if (typeof value !== 'string') throw new InvalidArgumentError(`${what}: ports must be a port or a range like "8000-8080", got ${describeValue(value)}`);
  const text = value.startsWith(':') ? value.slice(1) : value;
  const [a, b, extra] = text.split('-');
  if (extra !== undefined) throw new InvalidArgumentError(`${what}: "${value}" is not a port or port range`);
  const min = parsePort(a!, what);
  const max = b === undefined ? min : parsePort(b, what);
  if (max < min) throw new InvalidArgumentError(`${what}: port range ${value} starts after it ends`);
  return [min, max];
}

/** A parsed `snat to`/`dnat to` target: an address or range, and optionally ports. */
export interface NatTarget {
  /** `ip` for IPv4 addresses, `ip6` for IPv6. */
  family: 'ip' | 'ip6';
  /** First and last address of the range; the same twice for a single address. */
  addresses: [string, string];
  /** First and last port of the range; absent when the target has no `:port`. */
  ports?: [number, number];
}

/** Parses `10.0.0.2`, `10.0.0.2:80`, `10.0.0.2-10.0.0.5:80-90`, `[fd00::1]:80`, `fd00::1`. */
export function parseNatTarget(text: string, what: string): NatTarget {
  if (typeof text !== 'string' || text === '') throw new InvalidArgumentError(`${what} needs an address`);
  let addressPart = text;
  let portPart: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw new InvalidArgumentError(`${what}: "${text}" lacks a closing ]`);
    addressPart = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) throw new InvalidArgumentError(`${what}: "${text}" has something after ] that is not :port`);
      portPart = rest.slice(1);
    }
  } else if (text.split(':').length === 2) {
    [addressPart, portPart] = text.split(':') as [string, string];
  }
  const dash = addressPart.indexOf('-');
  const first = dash < 0 ? addressPart : addressPart.slice(0, dash);
  const second = dash < 0 ? first : addressPart.slice(dash + 1);
  const family = ipFamily(first);
  if (family === 0 || ipFamily(second) !== family) throw new InvalidArgumentError(`${what}: "${text}" does not start with an IPv4 or IPv6 address (or range)`);
  const target: NatTarget = { family: family === 4 ? 'ip' : 'ip6', addresses: [first, second] };
  if (portPart !== undefined) target.ports = portRange(portPart, what);
  return target;
}

