// The captured link messages the link decoder tests share.
import { readdirSync, readFileSync } from 'node:fs';

/** Every link message of the corpus, whole (nlmsghdr included): kernel replies (fixtures/route/links) and ip's requests (fixtures/route/kinds). */
export function linkMessageCorpus(): { name: string; bytes: Buffer }[] {
  const out: { name: string; bytes: Buffer }[] = [];
  for (const file of readdirSync('fixtures/route/links').filter((f) => f.endsWith('.json'))) {
    const { links } = JSON.parse(readFileSync(`fixtures/route/links/${file}`, 'utf8')) as { links: { name: string; hex: string }[] };
    for (const l of links) out.push({ name: `${file}: ${l.name}`, bytes: Buffer.from(l.hex, 'hex') });
  }
  for (const file of readdirSync('fixtures/route/kinds').filter((f) => f.endsWith('.json'))) {
    const { cases } = JSON.parse(readFileSync(`fixtures/route/kinds/${file}`, 'utf8')) as { cases: { name: string; request?: string }[] };
    for (const c of cases) if (typeof c.request === 'string') out.push({ name: `${file}: ${c.name}`, bytes: Buffer.from(c.request, 'hex') });
  }
  return out;
}
