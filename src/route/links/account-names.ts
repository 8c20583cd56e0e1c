import { readFileSync } from 'node:fs';

// ip prints a tun/tap device's owner and group as names when getpwuid(3) and
// getgrgid(3) know the id, and as the number otherwise. nlkit reads what
// NSS's "files" source reads, /etc/passwd and /etc/group, on each call (they
// change under a running process; a tun link is rendered rarely). Ids that
// only another NSS source knows (LDAP, systemd's dynamic users) print as
// numbers, where ip would print a name.

/** The name of the first entry of a colon-separated database whose third field is `id`, if any. */
function nameById(path: string, id: number): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // No database, no name: ip prints the number then too.
    return undefined;
  }
  const wanted = String(id);
  for (const line of text.split('\n')) {
    // "+"/"-" lines are NIS compat markers, not entries.
    if (line === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const fields = line.split(':');
    if (fields.length >= 3 && fields[2] === wanted && fields[0] !== '') return fields[0];
  }
  return undefined;
}

/** The user name of `uid` as getpwuid(3) finds it in /etc/passwd, or the number. */
export function userNameOf(uid: number): string | number {
  return nameById('/etc/passwd', uid) ?? uid;
}

/** The group name of `gid` as getgrgid(3) finds it in /etc/group, or the number. */
export function groupNameOf(gid: number): string | number {
  return nameById('/etc/group', gid) ?? gid;
}
