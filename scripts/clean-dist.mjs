// Removes dist/ before a build, so a packed or git-installed nlkit carries
// exactly what the current src/ compiles to and no file of an older build.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
