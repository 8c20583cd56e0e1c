// Open fds that nlkit could leak: sockets and namespace files. The test
// runner writes its own files and pipes from other threads while a test
// runs, so counting every fd of the process fails on a loaded machine.
import { readdirSync, readlinkSync } from 'node:fs';

const NLKIT_KINDS = /^(socket:\[|net:\[|\/run\/netns\/|\/proc\/.*\/ns\/net$)/;

/** `fd -> target` of the process's open sockets and namespace files, sorted. */
export function nlkitFds(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed between the listing and the readlink (the listing's own fd, say)
    }
    if (NLKIT_KINDS.test(target)) out.push(`${fd} -> ${target}`);
  }
  return out.sort();
}

/** How many sockets and namespace files are open. */
export function openNlkitFds(): number {
  return nlkitFds().length;
}
