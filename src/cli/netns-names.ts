// Names of the namespaces under /run/netns, and the nsid each has as seen
// from the current namespace: `ip netns list|list-id` print them, and ip's
// text names a link's peer namespace by them (`link-netns NAME`).
import { existsSync, opendirSync } from 'node:fs';
import type { CliContext } from './context.js';

const RUN_DIR = '/run/netns';

/** The names under /run/netns in directory order, as ip lists them (readdirSync would sort them). */
export function netnsNames(): string[] {
  if (!existsSync(RUN_DIR)) return [];
  const dir = opendirSync(RUN_DIR);
  const out: string[] = [];
  try {
    for (let entry = dir.readSync(); entry; entry = dir.readSync()) out.push(entry.name);
  } finally {
    dir.closeSync();
  }
  return out;
}

/** nsid → the first name under /run/netns that has it (get_name_from_nsid walks them in directory order). */
export function nsidNames(ctx: CliContext): Map<number, string> {
  const rt = ctx.rt();
  const byId = new Map<number, string>();
  for (const name of netnsNames()) {
    let id: number | undefined;
    try {
      id = rt.nsid.get(name);
    } catch {
      // A name whose mount vanished, or that is no namespace: ip skips it too.
      continue;
    }
    if (id !== undefined && id >= 0 && !byId.has(id)) byId.set(id, name);
  }
  return byId;
}
