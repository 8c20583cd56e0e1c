// Typechecks the ```ts blocks of markdown pages against the real API, so
// documentation cannot drift from the code.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');

/** The TypeScript examples of a markdown file. */
export function tsBlocks(file: string): string[] {
  return [...readFileSync(join(root, file), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

/** Writes each block as its own module under .tap/<dirName> and returns tsc's complaints ('' when none). */
export function typecheckBlocks(blocks: readonly string[], dirName: string): string {
  const dir = join(root, '.tap', `${dirName}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const files = blocks.map((code, i) => {
    const name = `example-${String(i + 1).padStart(2, '0')}.ts`;
    // Each example is its own module, so names may repeat between examples.
    writeFileSync(join(dir, name), `${code}\nexport {};\n`);
    return name;
  });
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    extends: '../../tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '../..', paths: { nlkit: ['../../src/index.ts'] }, noUnusedLocals: false },
    files,
  }));
  try {
    execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
