// A pod firewall with nftables, in a throwaway network namespace: an inet table
// with an input chain that drops by default, a set of admin addresses, and a few
// rules built with the rule builder; listed back, printed, then removed.
// Run it as root from a clone with `node --import=tsx examples/nftables-pod-firewall.ts`.
// See docs/nftables.md.
import { createNetns, deleteNetns, openNftables, rule, type nftables } from 'nlkit';

const netns = `nlkit-example-fw-${process.pid}`;
const table = { family: 'inet', table: 'podfw' } as const;

createNetns(netns);                                   // ip netns add ...
const nft = openNftables({ netns });                  // a NETLINK_NETFILTER socket inside it
try {
  // One batch, applied all or nothing:
  //   table inet podfw {
  //     set admins { type ipv4_addr; flags interval; elements = { 10.88.0.10, 10.99.0.0/24 } }
  //     chain input {
  //       type filter hook input priority filter; policy drop;
  //       ct state established,related accept
  //       iifname "lo" accept
  //       ip saddr @admins tcp dport 22 accept comment "ssh from admins"
  //       ip saddr 10.88.0.0/16 tcp dport { 80, 443 } counter accept comment "web from pods"
  //       limit rate 5/second log prefix "podfw drop: " level info
  //     }
  //   }
  const { generation } = nft.transaction()
    .addTable({ family: 'inet', name: 'podfw', comment: 'nlkit example' })
    .addSet({ ...table, name: 'admins', type: 'ipv4_addr', flags: ['interval'], elements: ['10.88.0.10', '10.99.0.0/24'] })
    .addChain({ ...table, name: 'input', type: 'filter', hook: 'input', priority: 'filter', policy: 'drop' })
    .addRule({ ...table, chain: 'input', rule: rule().ct.state('established', 'related').accept() })
    .addRule({ ...table, chain: 'input', rule: rule().iifname('lo').accept() })
    .addRule({ ...table, chain: 'input', rule: rule().ip.saddr('@admins').tcp.dport(22).accept(), comment: 'ssh from admins' })
    .addRule({ ...table, chain: 'input', rule: rule().ip.saddr('10.88.0.0/16').tcp.dport([80, 443]).counter().accept().comment('web from pods') })
    .addRule({ ...table, chain: 'input', rule: rule().limit({ rate: 5, per: 'second' }).log({ prefix: 'podfw drop: ', level: 'info' }) })
    .commit();
  console.log(`committed at generation ${generation} in netns ${netns}`);

  // A single change: another admin address, checked against the set's type.
  nft.addElements({ ...table, name: 'admins' }, ['10.88.0.11']);

  // Listed back from the kernel, at one generation.
  const ruleset = nft.listRuleset({ family: 'inet' });
  for (const t of ruleset.tables) console.log(`table ${t.family} ${t.name} (handle ${t.handle}, comment ${JSON.stringify(t.comment)})`);
  for (const s of ruleset.sets) {
    console.log(`  set ${s.name}: type ${String(s.type)}, flags ${s.flags.join(',') || '-'}, elements ${s.elements.map((e) => String(e.key)).join(', ')}`);
  }
  for (const c of ruleset.chains) {
    console.log(`  chain ${c.name}: type ${c.type} hook ${String(c.hook)} priority ${c.priority} policy ${c.policy}`);
    for (const r of ruleset.rules.filter((x) => x.chain === c.name)) console.log(`    ${describe(r)}`);
  }

  // Removed again: deleting the table removes its chains, rules and sets in one command.
  nft.deleteTable({ family: 'inet', name: 'podfw' });
  console.log(`tables left: ${nft.listTables().length}`);
} finally {
  nft.close();
  deleteNetns(netns);                                 // ip netns delete ...
}

/** One line per rule: its handle, the kernel expressions it holds, and its comment. */
function describe(r: nftables.Rule): string {
  const kinds = r.expressions.map((e) => (e.kind === 'immediate' && 'verdict' in e ? e.verdict.code : e.kind));
  return `handle ${r.handle}: [ ${kinds.join(' ')} ]${r.comment ? ` comment "${r.comment}"` : ''}`;
}
