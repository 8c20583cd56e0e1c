// nlkit-portmap against the kernel: one batch per call. ADD reads the table's
// rules (a dump of this table only, filtered by the kernel) and replaces the
// attachment's in one batch; DEL and GC remove the chosen attachments' rules
// and, when no other rule is left, the table with its chains. A removal is
// committed only at the generation it was planned at, so a concurrent ADD's
// rules are never taken with the table: the kernel refuses a stale batch
// (ERESTART) and the removal is planned again.
//
// With the agent (docs/cni.md, "What the agent keeps"), every call runs on the
// host's nftables connection the agent keeps open, and the agent remembers
// that the table and its chains exist, so an ADD's batch holds only the rules;
// when the table went behind the agent's back that batch fails (ENOENT) and is
// sent again with the table and chains, which makes them again.
import { NetlinkError, nftables, type NftablesConnection } from '../../index.js';
import type { HostState } from '../agent/cache.js';
import { HOSTPORT_TABLE, idOfTag } from './rules.js';

const ATTEMPTS = 8;

/** The agent's fact: the table and its three base chains exist (as its last batch left them). */
export const CHAINS_FACT = `hostport-chains:${HOSTPORT_TABLE}`;

/** The rules of the table (none when it does not exist): one dump the kernel filters by table. */
export function hostportRules(nft: NftablesConnection): nftables.Rule[] {
  return nft.listRules({ family: 'inet', table: HOSTPORT_TABLE });
}

function applyBatch(nft: NftablesConnection, plan: nftables.RecipePlan, withChains: boolean): void {
  const tx = nft.transaction();
  if (withChains) {
    tx.addTable({ family: 'inet', name: plan.table });
    for (const chain of plan.chains) tx.addChain(chain);
  }
  // A repeated ADD replaces the attachment's rules in the same batch: never doubled, never missing.
  for (const old of hostportRules(nft)) if (old.comment === plan.tag) tx.deleteRule(old);
  for (const rule of plan.rules) tx.addRule({ ...rule, comment: plan.tag });
  tx.commit();
}

/** Adds (or replaces) an attachment's rules in one batch, with the table and chains unless the agent knows they exist. */
export function applyHostports(nft: NftablesConnection, plan: nftables.RecipePlan, state?: HostState): void {
  const known = state?.fact<boolean>(CHAINS_FACT) === true;
  try {
    applyBatch(nft, plan, !known);
  } catch (error) {
    // Only a batch that trusted the agent's fact is sent again: the table or a chain went behind its back.
    if (!known) throw error;
    state!.forget(CHAINS_FACT);
    applyBatch(nft, plan, true);
  }
  state?.remember(CHAINS_FACT, true);
}

function isStale(error: unknown): boolean {
  return error instanceof NetlinkError && error.code === 'ERESTART';
}

/**
 * Removes the rules whose attachment id `doomed` picks; the table goes too
 * when nothing else is left in it. Returns how many rules went.
 */
export function removeHostports(nft: NftablesConnection, doomed: (id: string) => boolean, state?: HostState): number {
  for (let attempt = 1; ; attempt++) {
    const generation = nft.generation().id;
    const rules = hostportRules(nft);
    const [gone, kept] = [rules.filter((r) => matches(r, doomed)), rules.filter((r) => !matches(r, doomed))];
    if (gone.length === 0) return 0;
    const tx = nft.transaction();
    if (kept.length === 0) tx.deleteTable({ family: 'inet', name: HOSTPORT_TABLE });
    else for (const r of gone) tx.deleteRule(r);
    try {
      tx.commit({ generation });
      if (kept.length === 0) state?.forget(CHAINS_FACT);
      return gone.length;
    } catch (error) {
      if (!isStale(error) || attempt >= ATTEMPTS) throw error;
    }
  }
}

function matches(r: nftables.Rule, doomed: (id: string) => boolean): boolean {
  const id = idOfTag(r.comment);
  return id !== undefined && doomed(id);
}

/** The kernel's rules tagged with the attachment's id. */
export function attachmentRules(nft: NftablesConnection, id: string): nftables.Rule[] {
  return hostportRules(nft).filter((r) => idOfTag(r.comment) === id);
}
