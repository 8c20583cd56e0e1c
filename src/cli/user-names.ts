// Users and groups by number, as getpwuid/getgrgid find them in the files
// database (/etc/passwd, /etc/group): ip prints a tun device's owner and
// group by name when the name exists, by number otherwise.
import { readFileSync } from 'node:fs';

const tables = new Map<string, Map<number, string>>();

/** name → id of the first entry per id (getpwuid returns the first line that matches). */
function table(path: string): Map<number, string> {
  let names = tables.get(path);
  if (names) return names;
  names = new Map();
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // No database: every id prints as its number, as ip prints ids it cannot resolve.
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length < 3 || !/^\d+$/.test(fields[2]!)) continue;
    const id = Number(fields[2]);
    if (!names.has(id)) names.set(id, fields[0]!);
  }
  tables.set(path, names);
  return names;
}

export function userName(uid: number): string | undefined {
  return table('/etc/passwd').get(uid);
}

export function groupName(gid: number): string | undefined {
  return table('/etc/group').get(gid);
}
