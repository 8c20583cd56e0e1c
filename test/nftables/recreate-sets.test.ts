// Issue 11, sets: object maps, set userdata kept verbatim, set-level and per-element stateful
// expressions survive list → flush → re-create. Each case in a namespace of its own.
import t from 'tap';
import { addSetCommand } from '../../src/nftables/objects/set.js';
import { requireRoot } from '../helpers/netns.js';
import { roundTrip } from './helpers.js';

t.test('object maps keep their object type and their elements the object names', async (t) => {
  if (!requireRoot(t)) return;
  const rs = roundTrip(t, `
table inet t {
	counter c1 {}
	counter c2 {}
	map m {
		type ipv4_addr : counter
		elements = { 10.0.0.1 : "c1", 10.0.0.2 : "c2" }
	}
	chain c {
		type filter hook input priority 0;
		counter name ip saddr map @m
	}
}
`);
  const m = rs.sets.find((s) => s.name === 'm')!;
  t.equal(m.objectType, 'counter');
  t.ok(m.flags.includes('object'));
  t.same(m.elements.map((e) => [e.key, e.object]).sort(), [['10.0.0.1', 'c1'], ['10.0.0.2', 'c2']]);
});

t.test('set userdata travels verbatim: typeof, auto-merge, comments', async (t) => {
  if (!requireRoot(t)) return;
  const rs = roundTrip(t, `
table inet t {
	set s {
		typeof ip saddr
		flags interval
		auto-merge
		elements = { 10.0.0.0/8 }
	}
	set c {
		typeof ip saddr . tcp dport
		comment "concatenated"
		elements = { 10.0.0.1 . 22 }
	}
	map m {
		typeof ip daddr . tcp dport : ip saddr
		elements = { 10.0.0.1 . 80 : 192.168.0.1 }
	}
}
`);
  t.ok(rs.sets.every((s) => s.userdata !== undefined), 'listed with userdata');
});

t.test('set-level and per-element stateful expressions', async (t) => {
  if (!requireRoot(t)) return;
  const rs = roundTrip(t, `
table ip t {
	set s {
		type ipv4_addr
		counter
		elements = { 10.0.0.1 counter packets 3 bytes 120, 10.0.0.2 counter packets 0 bytes 0 }
	}
	set s2 {
		type ipv4_addr
		size 65535
		flags dynamic
		limit rate 10/second
	}
	set s3 {
		type ipv4_addr
		size 65535
		flags dynamic,timeout
		timeout 1m
		counter
		quota 100 bytes
	}
	chain c {
		type filter hook input priority 0;
		update @s2 { ip saddr limit rate 10/second }
	}
}
`);
  const s = rs.sets.find((x) => x.name === 's')!;
  t.same(s.expressions?.map((e) => e.kind), ['counter']);
  t.same(s.elements.find((e) => e.key === '10.0.0.1')!.expressions, [{ kind: 'counter', packets: 3, bytes: 120 }]);
  t.same(rs.sets.find((x) => x.name === 's3')!.expressions?.map((e) => e.kind), ['counter', 'quota']);
});

t.test('object map specs are checked before anything is sent', async (t) => {
  const base = { family: 'inet', table: 't', name: 'm', type: 'ipv4_addr' } as const;
  t.throws(() => addSetCommand({ ...base, flags: ['object'] }, 1), /objectType/);
  t.throws(() => addSetCommand({ ...base, objectType: 'counter', map: 'verdict' }, 1), /objectType/);
  t.throws(() => addSetCommand({ ...base, objectType: 'nope' as never }, 1), /object type/);
  t.doesNotThrow(() => addSetCommand({ ...base, objectType: 'counter' }, 1));
  t.doesNotThrow(() => addSetCommand({ ...base, objectType: 'counter', flags: ['object'] }, 1));
});
