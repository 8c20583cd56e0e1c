// The watchdog process (see watchdog.ts): argv is the progress file, the
// namespace prefix, the timeout in ms and the soak's pid. Reads commands on
// stdin: `churner PID DIR`, `bye`. Independent of nlkit on purpose: it must
// work when the library is what hangs.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';

const [file, prefix, timeoutText, parentText] = process.argv.slice(2) as [string, string, string, string];
const timeoutMs = Number(timeoutText);
const parent = Number(parentText);
let churner = 0;
let churnerDir = '';
let farewell = false;

/** Stops the churner, removes the soak's files and its namespaces (with `ip netns delete`); returns how many namespaces. */
function cleanUp(): number {
  if (churner > 0) {
    try {
      process.kill(-churner, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  if (churnerDir !== '') rmSync(churnerDir, { recursive: true, force: true });
  rmSync(file, { force: true });
  let names: string[] = [];
  try {
    names = readdirSync('/run/netns').filter((n) => n.startsWith(prefix));
  } catch {
    // No /run/netns: nothing to remove.
  }
  for (const name of names) {
    try {
      execFileSync('ip', ['netns', 'delete', name], { stdio: 'ignore' });
    } catch {
      // Keep removing the others.
    }
  }
  return names.length;
}

// Ctrl-C reaches the whole foreground group; the soak handles it and says bye.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);

let buffered = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffered += chunk;
  for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    if (line === 'bye') farewell = true;
    else if (line.startsWith('churner ')) {
      const [, pid, dir] = line.split(' ');
      churner = Number(pid);
      churnerDir = dir ?? '';
    }
  }
});
process.stdin.on('end', () => {
  if (!farewell) {
    const removed = cleanUp();
    writeSync(2, `soak watchdog: the soak ended without cleaning up; removed ${removed} namespaces with prefix ${prefix}\n`);
  }
  process.exit(0);
});

let last = '';
let lastChange = performance.now();
setInterval(() => {
  let progress = last;
  try {
    progress = readFileSync(file, 'utf8');
  } catch {
    // Removed at the very end; stdin closes right after.
  }
  const now = performance.now();
  if (progress !== last) {
    last = progress;
    lastChange = now;
    return;
  }
  if (now - lastChange < timeoutMs) return;
  writeSync(2, `\nsoak: HANG, no progress for ${Math.round((now - lastChange) / 1000)} s; last step: ${last.trim().replace(/^\d+ /, '')}\n`);
  const removed = cleanUp();
  writeSync(2, `soak: removed ${removed} namespaces with prefix ${prefix}; killing the soak (pid ${parent})\n`);
  try {
    process.kill(parent, 'SIGKILL');
  } catch {
    // Already gone.
  }
  process.exit(1);
}, Math.min(500, timeoutMs / 4));
