// nlkit's side of the nft scenario: the same rules, set and updates as the
// nft script, through src/nftables (one Transaction per nft -f run).
import { encodeIp } from '../../src/netlink/addresses.js';
import type * as Nftables from '../../src/nftables/index.js';
import type { NftablesApi } from '../harness/nlkit.js';
import type { Implementation, RunInfo } from '../harness/scenario.js';
import { perSecond } from '../harness/stats.js';
import {
  CHAIN, deleteTable, element, ruleMatch, SET, TABLE, updatePair, verifyRules, verifySet, type NftSizes,
} from './nft.js';

type Expression = Nftables.Expression;

const IPPROTO_TCP = 6;
/** NFPROTO_IPV4: what `ip saddr` checks first in an inet table. */
const NFPROTO_IPV4 = 2;
/** The 128-bit register nft uses for matches. */
const REG_1 = 1;

function u8(value: number): Buffer {
  return Buffer.from([value]);
}

function be16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}

/**
 * The expressions nft generates for `ip saddr A tcp dport P counter accept`
 * in an inet table (`nft --debug=netlink` shows the same list).
 */
export function ruleExpressions(i: number): Expression[] {
  const { saddr, dport } = ruleMatch(i);
  return [
    { kind: 'meta', key: 'nfproto', dreg: REG_1 },
    { kind: 'cmp', sreg: REG_1, op: 'eq', data: u8(NFPROTO_IPV4) },
    { kind: 'payload', base: 'network', offset: 12, length: 4, dreg: REG_1 },
    { kind: 'cmp', sreg: REG_1, op: 'eq', data: encodeIp(saddr) },
    { kind: 'meta', key: 'l4proto', dreg: REG_1 },
    { kind: 'cmp', sreg: REG_1, op: 'eq', data: u8(IPPROTO_TCP) },
    { kind: 'payload', base: 'transport', offset: 2, length: 2, dreg: REG_1 },
    { kind: 'cmp', sreg: REG_1, op: 'eq', data: be16(dport) },
    { kind: 'counter', packets: 0, bytes: 0 },
    { kind: 'immediate', dreg: 0, verdict: { code: 'accept' } },
  ];
}

export function nlkitNftImplementation(nft: NftablesApi, netns: string, sizes: NftSizes): Implementation {
  let conn: Nftables.NftablesConnection | undefined;
  let rules: Expression[][] = [];
  let elements: string[] = [];
  const family = 'inet' as const;
  const target = { family, table: TABLE, name: SET };
  return {
    name: 'nlkit',
    prepare() {
      conn = nft.openNftables({ netns });
      // Inputs built once, untimed, as nft's script text is.
      rules = Array.from({ length: sizes.rules }, (_, i) => ruleExpressions(i));
      elements = Array.from({ length: sizes.elements }, (_, i) => element(i));
    },
    run({ verify }: RunInfo) {
      const c = conn!;
      deleteTable(netns);
      let t0 = performance.now();
      const tx = c.transaction()
        .addTable({ family, name: TABLE })
        .addChain({ family, table: TABLE, name: CHAIN, type: 'filter', hook: 'input', priority: 0, policy: 'accept' });
      for (const expressions of rules) tx.addRule({ family, table: TABLE, chain: CHAIN, expressions });
      tx.commit();
      const rulesMs = performance.now() - t0;
      verifyRules(verify, netns, sizes.rules);
      deleteTable(netns);

      t0 = performance.now();
      c.transaction()
        .addTable({ family, name: TABLE })
        .addSet({ family, table: TABLE, name: SET, type: 'ipv4_addr' })
        .addElements(target, elements)
        .commit();
      const setMs = performance.now() - t0;
      t0 = performance.now();
      for (let k = 0; k < sizes.updates; k++) {
        const { old, next } = updatePair(k);
        c.transaction().deleteElements(target, [old]).addElements(target, [next]).commit();
      }
      const updateMs = (performance.now() - t0) / sizes.updates;
      const last = updatePair(sizes.updates - 1);
      verifySet(verify, netns, sizes.elements, last.next, last.old);
      deleteTable(netns);
      return { metrics: { rules: perSecond(sizes.rules, rulesMs), 'set-load': perSecond(sizes.elements, setMs), 'set-update': updateMs } };
    },
    dispose() {
      conn?.close();
    },
  };
}
