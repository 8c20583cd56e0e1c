// Names nft prints from the system's tables rather than its own: protocol
// numbers through getprotobynumber() (/etc/protocols: `ipv6-nonxt`, `ospf`),
// realms from /etc/iproute2/rt_realms (`cosmos`), device groups from
// /etc/iproute2/group. nlkit's datatype tables hold the common names; these
// are read back the way nft reads them, from the same files.
import { readFileSync } from 'node:fs';

const FILES = { inet_proto: '/etc/protocols', realm: '/etc/iproute2/rt_realms', devgroup: '/etc/iproute2/group' } as const;
const tables = new Map<string, Map<string, number>>();

function table(type: keyof typeof FILES): Map<string, number> {
  let names = tables.get(type);
  if (names) return names;
  names = new Map();
  let text = '';
  try {
    text = readFileSync(FILES[type], 'utf8');
  } catch {
    // No file: only nlkit's own names.
  }
  for (const line of text.split('\n')) {
    const words = line.replace(/#.*/, '').trim().split(/\s+/);
    // /etc/protocols: `name number aliases...`; iproute2's files: `number name`.
    const [first, second, ...aliases] = words;
    const [number, ...names_] = type === 'inet_proto' ? [second, first, ...aliases] : [first, second];
    const n = Number(number);
    if (!Number.isInteger(n) || n < 0) continue;
    for (const word of names_) if (word && !names.has(word)) names.set(word, n);
  }
  tables.set(type, names);
  return names;
}

/** The number the system's table for `type` gives `name`; undefined for other types, or when the file or the name is missing. */
export function systemNameNumber(type: string, name: string): number | undefined {
  return Object.hasOwn(FILES, type) ? table(type as keyof typeof FILES).get(name) : undefined;
}
