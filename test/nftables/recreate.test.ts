// Issue 11: list a ruleset with nlkit, flush, re-create it from the listed objects in one
// transaction; `nft list ruleset` must print the same text. Each case in a namespace of its own.
import t from 'tap';
import { ip, requireRoot } from '../helpers/netns.js';
import { roundTrip } from './helpers.js';

t.test('dynset: the timeout 0 the kernel dumps is not sent back (set without the timeout flag)', async (t) => {
  if (!requireRoot(t)) return;
  const rs = roundTrip(t, `
table ip f {
	set seen {
		type ipv4_addr
		flags dynamic
	}
	set timed {
		type ipv4_addr
		flags dynamic,timeout
	}
	chain c {
		type filter hook input priority filter; policy accept;
		add @seen { ip saddr }
		update @timed { ip saddr timeout 30s }
		update @timed { ip daddr }
	}
}
`);
  const timeouts = rs.rules.flatMap((r) => r.expressions).filter((e) => e.kind === 'dynset').map((e) => (e as { timeout?: number }).timeout);
  t.same(timeouts, [0, 30000, 0], 'the kernel dumps 0 for no timeout');
});

t.test('interval sets: per-element timeout and comment stay on the start element', async (t) => {
  if (!requireRoot(t)) return;
  roundTrip(t, `
table inet f {
	set blocked {
		type ipv4_addr
		flags interval,timeout
		elements = { 10.0.0.0/8 timeout 1h comment "ten", 192.168.1.1-192.168.1.9 timeout 2h, 172.16.0.1 comment "one" }
	}
	set ports {
		type inet_service
		flags interval,timeout
		timeout 10m
		elements = { 80-90, 443 timeout 1h }
	}
}
`);
});

t.test('ifname . X concatenated interval sets are accepted', async (t) => {
  if (!requireRoot(t)) return;
  const rs = roundTrip(t, `
table inet f {
	set iface_nets {
		type ifname . ipv4_addr
		flags interval
		elements = { "eth0" . 10.0.0.0/8, "veth1" . 192.168.0.1-192.168.0.9, "lo" . 127.0.0.1, "wg*" . 10.9.0.1 }
	}
	map iface_ports {
		type ifname . inet_service : verdict
		flags interval
		elements = { "eth0" . 22-23 : accept, "eth1" . 80 : drop }
	}
}
`);
  t.equal(rs.sets.length, 2);
  t.same(rs.sets.find((s) => s.name === 'iface_nets')!.elements.map((e) => e.key).find((k) => (k as string[])[0] === 'wg*'), ['wg*', '10.9.0.1'], 'an interface wildcard lists as nft writes it');
});

t.test('chains bound to several devices are re-created with their devices', async (t) => {
  if (!requireRoot(t)) return;
  const rs = roundTrip(t, `
table netdev n {
	chain multi {
		type filter hook ingress devices = { va, vb } priority 0; policy accept;
	}
	chain single {
		type filter hook ingress device va priority 10; policy accept;
	}
}
table inet f {
	chain ing {
		type filter hook ingress devices = { va, vb } priority filter; policy accept;
	}
}
`, (ns) => {
    ip(ns, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb');
  });
  const multi = rs.chains.find((c) => c.name === 'multi')!;
  t.same([...multi.devices!].sort(), ['va', 'vb']);
  const single = rs.chains.find((c) => c.name === 'single')!;
  t.equal(single.device, 'va');
});

t.test('chain devices: `devices` and `device` are checked before anything is sent', async (t) => {
  const { addChainCommand } = await import('../../src/nftables/objects/chain.js');
  const base = { family: 'netdev', table: 'n', name: 'c', type: 'filter', hook: 'ingress', priority: 0 } as const;
  t.throws(() => addChainCommand({ ...base }), /needs the device/);
  t.throws(() => addChainCommand({ ...base, devices: ['a', ''] }), /interface name/);
  t.throws(() => addChainCommand({ ...base, device: 'c', devices: ['a', 'b'] }), /not among devices/);
  t.doesNotThrow(() => addChainCommand({ ...base, device: 'a', devices: ['a'] }));
  t.doesNotThrow(() => addChainCommand({ ...base, devices: ['a', 'b'] }));
});

t.test('listRuleset includes anonymous sets and meters, and they are re-created', async (t) => {
  if (!requireRoot(t)) return;
  const rs = roundTrip(t, `
table inet f {
	chain c {
		type filter hook input priority filter; policy accept;
		tcp dport { 22, 80, 443 } accept
		ip saddr { 10.0.0.0/8, 192.168.0.0/16 } counter drop
		ip daddr . tcp dport { 10.0.0.1 . 80, 10.0.0.2 . 443 } accept
		tcp dport vmap { 25 : drop, 110 : jump other }
		meter flood size 128 { ip saddr limit rate 10/second } accept
		udp dport { 53, 123 } ip saddr { 10.1.0.0/16 } accept
	}
	chain other {
		counter
	}
}
`);
  const anonymous = rs.sets.filter((s) => s.flags.includes('anonymous'));
  // `ip saddr { 10.1.0.0/16 }` has one element: nft turns it into a comparison, no set.
  t.equal(anonymous.length, 6, 'five anonymous sets and a meter');
  t.ok(anonymous.some((s) => s.name === 'flood'), 'the meter keeps its name');
  t.ok(anonymous.every((s) => s.elements.length > 0 || s.name === 'flood'), 'with their elements');
});
