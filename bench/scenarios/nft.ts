// nft: one transaction of many rules; a set loaded with many elements; one
// element updated in that large set — nlkit's nftables API against `nft -f`.
import { measure } from '../harness/measure.js';
import { withBenchNamespaces } from '../harness/namespaces.js';
import { loadNftablesApi } from '../harness/nlkit.js';
import type { Implementation, RunInfo, Scenario, ScenarioContext, ScenarioRow, Verifier } from '../harness/scenario.js';
import { skippedRow } from '../harness/scenario.js';
import { perSecond } from '../harness/stats.js';
import { hasCommand, nftIn } from '../harness/tools.js';
import { nlkitNftImplementation } from './nft-nlkit.js';

export interface NftSizes {
  rules: number;
  elements: number;
  /** Single-element updates timed per run. */
  updates: number;
}

export function nftSizes(quick: boolean): NftSizes {
  return quick ? { rules: 10_000, elements: 100_000, updates: 10 } : { rules: 10_000, elements: 100_000, updates: 30 };
}

export const TABLE = 'nlkb';
export const CHAIN = 'input';
export const SET = 'blocked';

/** The i-th rule's source address and port: distinct rules, all in 10.0.0.0/8. */
export function ruleMatch(i: number): { saddr: string; dport: number } {
  return { saddr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, dport: 1024 + (i % 60000) };
}

/** The i-th set element, in 172.16.0.0/12 and beyond (100k fit in 172.16.0.0 – 172.17.134.159). */
export function element(i: number): string {
  return `172.${16 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
}

export function rulesetScript(rules: number): string {
  const lines = [
    `add table inet ${TABLE}`,
    `add chain inet ${TABLE} ${CHAIN} { type filter hook input priority 0; policy accept; }`,
  ];
  for (let i = 0; i < rules; i++) {
    const { saddr, dport } = ruleMatch(i);
    lines.push(`add rule inet ${TABLE} ${CHAIN} ip saddr ${saddr} tcp dport ${dport} counter accept`);
  }
  return `${lines.join('\n')}\n`;
}

export function setScript(elements: number): string {
  const all = Array.from({ length: elements }, (_, i) => element(i));
  return `add table inet ${TABLE}\nadd set inet ${TABLE} ${SET} { type ipv4_addr; }\nadd element inet ${TABLE} ${SET} { ${all.join(', ')} }\n`;
}

/** Replaces element `old` by `next`: one transaction, the set keeps its size. */
export function updateScript(old: string, next: string): string {
  return `delete element inet ${TABLE} ${SET} { ${old} }\nadd element inet ${TABLE} ${SET} { ${next} }\n`;
}

interface ListedRule {
  expr: { match?: { left: { payload?: { protocol: string; field: string } }; right: unknown } }[];
}

export function listRules(netns: string): ListedRule[] {
  const json = JSON.parse(nftIn(netns, ['-j', 'list', 'chain', 'inet', TABLE, CHAIN])) as { nftables: { rule?: ListedRule }[] };
  return json.nftables.flatMap((o) => (o.rule ? [o.rule] : []));
}

/** `ip saddr A tcp dport P` as nft reads the rule back, so both implementations must produce the same rule. */
function matches(rule: ListedRule | undefined): { saddr?: unknown; dport?: unknown } {
  const field = (name: string) => rule?.expr.find((e) => e.match?.left.payload?.field === name)?.match?.right;
  return { saddr: field('saddr'), dport: field('dport') };
}

export function countElements(netns: string): number {
  const json = JSON.parse(nftIn(netns, ['-j', 'list', 'set', 'inet', TABLE, SET])) as { nftables: { set?: { elem?: unknown[] } }[] };
  return json.nftables.find((o) => o.set)?.set?.elem?.length ?? 0;
}

export function hasElement(netns: string, address: string): boolean {
  try {
    nftIn(netns, ['get', 'element', 'inet', TABLE, SET, `{ ${address} }`]);
    return true;
  } catch {
    return false;
  }
}

export function deleteTable(netns: string): void {
  try {
    nftIn(netns, ['delete', 'table', 'inet', TABLE]);
  } catch {
    // Not there: nothing to clean.
  }
}

/** The checks every implementation's run goes through, with nft as the judge. */
export function verifyRules(verify: Verifier, netns: string, expected: number): void {
  const rules = listRules(netns);
  verify.check(rules.length === expected, `${rules.length} rules in chain ${CHAIN}, expected ${expected}`);
  for (const i of [0, expected - 1]) {
    const got = matches(rules[i]);
    const want = ruleMatch(i);
    verify.check(got.saddr === want.saddr && got.dport === want.dport, `rule ${i} reads back as ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
}

export function verifySet(verify: Verifier, netns: string, expected: number, present: string, absent: string): void {
  const elements = countElements(netns);
  verify.check(elements === expected, `${elements} elements in set ${SET}, expected ${expected}`);
  verify.check(hasElement(netns, present), `updated element ${present} missing`);
  verify.check(!hasElement(netns, absent), `replaced element ${absent} still present`);
}

/** Update k replaces element(k) with 172.31.x.y, keeping the size constant. */
export function updatePair(k: number): { old: string; next: string } {
  return { old: element(k), next: `172.31.${(k >> 8) & 255}.${k & 255}` };
}

function nftImplementation(netns: string, sizes: NftSizes): Implementation {
  const rules = rulesetScript(sizes.rules);
  const set = setScript(sizes.elements);
  return {
    name: 'nft-f',
    run({ verify }: RunInfo) {
      deleteTable(netns);
      let t0 = performance.now();
      nftIn(netns, ['-f', '-'], rules);
      const rulesMs = performance.now() - t0;
      verifyRules(verify, netns, sizes.rules);
      deleteTable(netns);

      t0 = performance.now();
      nftIn(netns, ['-f', '-'], set);
      const setMs = performance.now() - t0;
      t0 = performance.now();
      for (let k = 0; k < sizes.updates; k++) {
        const { old, next } = updatePair(k);
        nftIn(netns, ['-f', '-'], updateScript(old, next));
      }
      const updateMs = (performance.now() - t0) / sizes.updates;
      const last = updatePair(sizes.updates - 1);
      verifySet(verify, netns, sizes.elements, last.next, last.old);
      deleteTable(netns);
      return { metrics: { rules: perSecond(sizes.rules, rulesMs), 'set-load': perSecond(sizes.elements, setMs), 'set-update': updateMs } };
    },
  };
}

export const nft: Scenario = {
  name: 'nft',
  title: 'one transaction of many rules; a large set; one element updated in it',
  async run(ctx: ScenarioContext): Promise<ScenarioRow[]> {
    const sizes = nftSizes(ctx.quick);
    const notes = [
      `rules: one transaction adding table, base chain and ${sizes.rules} rules \`ip saddr A tcp dport P counter accept\`; set-load: one transaction adding a set of ipv4_addr and ${sizes.elements} elements; set-update: one transaction deleting one element and adding another in that set, ${sizes.updates} times per run`,
      'nft-f: `nft -f -` run inside the namespace through `ip netns exec` (nft has no -n), the script on stdin; results checked with `nft -j list`',
    ];
    const loaded = await loadNftablesApi();
    if (loaded.unavailable !== undefined) return [skippedRow('nft', 'nftables API not available', [loaded.unavailable, ...notes])];
    if (!hasCommand('nft')) return [skippedRow('nft', 'nft is not installed (apt-get install -y nftables)', notes)];
    return withBenchNamespaces(['nft'], ([netns]) => measure(ctx, {
      scenario: 'nft',
      metrics: [
        { key: 'rules', unit: 'rules/s', better: 'higher', description: `rules committed per second in one ${sizes.rules}-rule transaction` },
        { key: 'set-load', unit: 'elements/s', better: 'higher', description: `set elements loaded per second (${sizes.elements} in one transaction)` },
        { key: 'set-update', unit: 'ms', better: 'lower', description: `time to replace one element in the ${sizes.elements}-element set` },
      ],
      implementations: [nlkitNftImplementation(loaded.api, netns, sizes), nftImplementation(netns, sizes)],
      notes,
    }));
  },
};
