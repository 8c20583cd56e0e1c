// nlkit-portmap against the kernel: one batch per ADD (the recipe), and for
// DEL and GC one batch that removes the chosen attachments' rules and, when no
// other rule is left, the table with its chains. That batch is committed only
// at the generation it was planned at, so a concurrent ADD's rules are never
// taken with the table: the kernel refuses a stale batch (ERESTART) and the
// removal is planned again.
import { NetlinkError, nftables, openNftables, type NftablesConnection } from '../../index.js';
import type { CniCall } from '../call.js';
import { HOSTPORT_TABLE, idOfTag } from './rules.js';

const ATTEMPTS = 8;

/** A connection in the namespace that plays the host. */
export function openHostNftables(call: CniCall): NftablesConnection {
  return openNftables(call.options.hostNetns === undefined ? {} : { netns: call.options.hostNetns });
}

/** The listed rules of the table (none when it does not exist). */
export function hostportRules(nft: NftablesConnection): nftables.Rule[] {
  if (!nft.listTables({ family: 'inet' }).some((t) => t.name === HOSTPORT_TABLE)) return [];
  return nft.listRules({ family: 'inet', table: HOSTPORT_TABLE });
}

/** Adds (or replaces) an attachment's rules in one batch. */
export function applyHostports(nft: NftablesConnection, plan: nftables.RecipePlan): void {
  nftables.applyRecipe(nft, plan);
}

function isStale(error: unknown): boolean {
  return error instanceof NetlinkError && error.code === 'ERESTART';
}

/**
 * Removes the rules whose attachment id `doomed` picks; the table goes too
 * when nothing else is left in it. Returns how many rules went.
 */
export function removeHostports(nft: NftablesConnection, doomed: (id: string) => boolean): number {
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

