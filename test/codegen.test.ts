import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractConstants, generateAll, main, renderModule, SymbolTable } from '../codegen/generate.js';
import { ERRNO_NAMES } from '../src/generated/errno.js';
import { IFF_LOWER_UP, IFF_UP } from '../src/generated/if.js';
import { IFLA_IFNAME, IFLA_INFO_KIND } from '../src/generated/if_link.js';
import { NLM_F_DUMP } from '../src/generated/netlink.js';
import { NFNL_SUBSYS_NFTABLES } from '../src/generated/nfnetlink.js';
import { NFT_MSG_NEWTABLE, NFTA_RULE_EXPRESSIONS } from '../src/generated/nf_tables.js';
import { RTA_MULTIPATH, RTM_NEWLINK } from '../src/generated/rtnetlink.js';
import { CLONE_NEWNET } from '../src/generated/sched.js';
import { VETH_INFO_PEER } from '../src/generated/veth.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const generatedDir = 'src/generated';
const uapiRoot = '/usr/include';

/** name → value, for compact assertions on small header snippets. */
function constantsOf(source: string, symbols?: SymbolTable): Record<string, bigint> {
  return Object.fromEntries(extractConstants(source, symbols).map(({ name, value }) => [name, value]));
}

const headersMissing = existsSync(path.join(uapiRoot, 'linux/rtnetlink.h'))
  ? false
  : `no Linux uapi headers under ${uapiRoot}`;

t.test('committed modules match the installed headers', { skip: headersMissing }, (t) => {
  const generated = generateAll(uapiRoot);
  const committed = readdirSync(path.join(projectRoot, generatedDir))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `${generatedDir}/${file}`)
    .sort();
  t.same(committed, [...generated.keys()].sort(), 'same set of files');
  for (const [output, content] of generated) {
    const file = path.join(projectRoot, output);
    if (existsSync(file)) t.equal(readFileSync(file, 'utf8'), content, `${output} is up to date`);
  }
  t.end();
});

t.test('command line', { skip: headersMissing }, (t) => {
  /** A context whose output is collected instead of printed. */
  const contextFor = (root: string) => {
    const messages: string[] = [];
    const record = (message: string) => void messages.push(message);
    return { context: { projectRoot: root, uapiRoot, log: record, error: record }, messages };
  };

  t.test('--check passes on this project', (t) => {
    const { context, messages } = contextFor(projectRoot);
    t.equal(main(['--check'], context), 0);
    t.match(messages, [/up to date/]);
    t.end();
  });

  t.test('--check reports missing, different and stale files; writing fixes the first two', (t) => {
    const root = t.testdir({ src: { generated: { 'netlink.ts': 'old\n', 'gone.ts': 'old\n' } } });
    const { context, messages } = contextFor(root);
    t.equal(main(['--check'], context), 1);
    t.match(messages[0], /missing: src\/generated\/if_link\.ts/);
    t.match(messages[0], /differs: src\/generated\/netlink\.ts/);
    t.match(messages[0], /stale: src\/generated\/gone\.ts/);

    t.equal(main([], context), 0);
    t.equal(readFileSync(path.join(root, 'src/generated/netlink.ts'), 'utf8'), generateAll(uapiRoot).get('src/generated/netlink.ts'));
    t.equal(main([], context), 0, 'writing again is a no-op');
    t.match(messages.at(-2), /Wrote 0 of/);
    t.match(messages.at(-1), /gone\.ts is not generated any more/);
    t.end();
  });

  t.test('unknown arguments are refused', (t) => {
    const { context, messages } = contextFor(projectRoot);
    t.equal(main(['--frobnicate'], context), 2);
    t.match(messages, [/Unknown arguments: --frobnicate/]);
    t.end();
  });

  t.test('runs as a script', (t) => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'codegen/generate.ts', '--check'], {
      cwd: projectRoot,
      env: { ...process.env, NLKIT_UAPI_ROOT: uapiRoot },
      encoding: 'utf8',
    });
    t.equal(result.status, 0, result.stderr);
    t.match(result.stdout, /up to date/);
    t.end();
  });

  t.end();
});

t.test('spot values', (t) => {
  t.equal(IFLA_IFNAME, 3);
  t.equal(RTM_NEWLINK, 16);
  t.equal(NLM_F_DUMP, 0x300);
  t.equal(IFF_UP, 1);
  t.equal(IFF_LOWER_UP, 65536);
  t.equal(NFT_MSG_NEWTABLE, 0);
  // enum nft_rule_attributes: UNSPEC, TABLE, CHAIN, HANDLE, EXPRESSIONS.
  t.equal(NFTA_RULE_EXPRESSIONS, 4);
  t.equal(ERRNO_NAMES[17], 'EEXIST');
  t.equal(ERRNO_NAMES[11], 'EAGAIN', 'EWOULDBLOCK does not replace EAGAIN');
  t.equal(ERRNO_NAMES[35], 'EDEADLK', 'EDEADLOCK does not replace EDEADLK');
  t.equal(NFNL_SUBSYS_NFTABLES, 10);
  t.equal(CLONE_NEWNET, 0x40000000);
  t.equal(RTA_MULTIPATH, 9);
  t.equal(VETH_INFO_PEER, 1);
  t.equal(IFLA_INFO_KIND, 1);
  t.end();
});

t.test('extraction rules', (t) => {
  t.test('literals, operators and references', (t) => {
    const source = [
      '#define A 0x10U',
      '#define B 010',
      '#define C (A | B) << 1',
      '#define D ~(A + 1UL) & 0xff',
      '#define E ((unsigned long int) 0xffffffff)',
      '#define F (LATER * 2)',
      '#define LATER 21',
      '#define MASK64 0xffffffffffffffffULL',
    ].join('\n');
    t.same(constantsOf(source), { A: 16n, B: 8n, C: 48n, D: 238n, E: 0xffffffffn, F: 42n, LATER: 21n, MASK64: 2n ** 64n - 1n });
    t.end();
  });

  t.test('every C operator the headers could use', (t) => {
    const source = [
      '#define NEG -(+3)',
      '#define NOT !0 + !5',
      '#define ARITH (7 * 3 / 2 % 4) - 1',
      '#define BITS ((0xf0 >> 4) ^ 0x3) & ~0 | 0x100',
      '#define LOGIC (1 && 0) || (2 > 1 && 1 < 2 && 2 >= 2 && 2 <= 2 && 1 == 1 && 1 != 2)',
      '#define TERNARY (0 ? 1 : 2 ? 3 : 4)',
      '#define TRUNCATE (-7 / 2)',
    ].join('\n');
    t.same(constantsOf(source), { NEG: -3n, NOT: 1n, ARITH: 1n, BITS: 0x10cn, LOGIC: 1n, TERNARY: 3n, TRUNCATE: -3n });
    const invalid = [
      '#define TRAILING 1 2',
      '#define UNFINISHED (1 +',
      '#define UNCLOSED (1',
      '#define BAD_TERNARY (1 ? 2 3)',
      '#define FLOAT 1.5',
      '#define HUGE_SHIFT (1 << 64)',
      '#define NEGATIVE_SHIFT (1 >> -1)',
      '#define MOD_ZERO (1 % 0)',
      '#define CAST_ONLY (int)',
      '#define NOT_A_CAST (int x) 1',
    ].join('\n');
    t.same(constantsOf(invalid), {});
    t.end();
  });

  t.test('enums', (t) => {
    const source = `
      enum tag { X_A, X_B = 5, X_C, X_D = X_B << 2, __X_MAX };
      #define X_MAX (__X_MAX - 1)
      enum { Y_A = X_C, Y_B,
      #define Y_B Y_B
        __Y_MAX
      #define Y_MAX (__Y_MAX - 1)
      };
      enum tag variable;`;
    t.same(constantsOf(source), { X_A: 0n, X_B: 5n, X_C: 6n, X_D: 20n, X_MAX: 20n, Y_A: 6n, Y_B: 7n, Y_MAX: 7n });
    t.end();
  });

  t.test('things that are skipped', (t) => {
    const source = [
      '#define FUNC(x) ((x) + 1)',
      '#define STR "text"',
      '#define MEMBER ifr_ifru.ifru_flags',
      '#define SIZE sizeof(struct foo)',
      '#define UNKNOWN NOT_DEFINED_ANYWHERE',
      '#define EMPTY',
      '#define __PRIVATE 1',
      '#define KEPT (__PRIVATE + 1)',
      '#define DIV0 (1 / 0)',
      'struct foo { int enum_like; };',
    ].join('\n');
    t.same(constantsOf(source), { KEPT: 2n });
    t.end();
  });

  t.test('comments, continuations and conditionals', (t) => {
    const source = [
      '#define A 1 /* a comment that',
      '                goes on */',
      '#define B (A | \\',
      '           2) // trailing',
      '#ifdef __KERNEL__',
      '#define KERNEL_ONLY 1',
      '#else',
      '#define USER_ONLY 1',
      '#endif',
      '#if 0',
      '#define DISABLED 1',
      '#endif',
      '#if SOME_CONFIG',
      '#define FIRST 1',
      '#else',
      '#define FIRST 2',
      '#define SECOND 3',
      '#endif',
    ].join('\n');
    t.same(constantsOf(source), { A: 1n, B: 3n, USER_ONLY: 1n, FIRST: 1n, SECOND: 3n });
    t.end();
  });

  t.test('#elif and #else after known and unknown branches', (t) => {
    const source = [
      '#if 1',
      '#define ONE 1',
      '#elif OTHER',
      '#define ONE 2',
      '#define NOT_AFTER_TRUE 1',
      '#else',
      '#define NOT_AFTER_TRUE 2',
      '#endif',
      '#if defined(__KERNEL__)',
      '#define KERNEL 1',
      '#elif 0',
      '#define NEVER 1',
      '#elif CONFIG_X',
      '#define MAYBE 1',
      '#else',
      '#define MAYBE_TOO 1',
      '#endif',
      '#ifndef __KERNEL__',
      '#define USER 1',
      '#else',
      '#define KERNEL 2',
      '#endif',
      '#if !defined __KERNEL__',
      '#  define SPACED 1',
      '#endif',
      '#include <linux/types.h>',
      '#undef SOMETHING',
      '#define',
    ].join('\n');
    t.same(constantsOf(source), { ONE: 1n, MAYBE: 1n, MAYBE_TOO: 1n, USER: 1n, SPACED: 1n });
    t.throws(() => extractConstants('#endif'), /#endif without #if/);
    t.throws(() => extractConstants('#else'), /#else without #if/);
    t.throws(() => extractConstants('#elif 1'), /#elif without #if/);
    t.end();
  });

  t.test('enum bodies that are not understood', (t) => {
    const source = `
      enum { A_ONE = 1, A_ATTR __attribute__((deprecated)), A_AFTER, A_RESET = 10, A_NEXT };
      enum { B_ONE, 42, B_AFTER };`;
    t.same(constantsOf(source), { A_ONE: 1n, A_RESET: 10n, A_NEXT: 11n, B_ONE: 0n });
    t.end();
  });

  t.test('self-referencing defines name the enum constant', (t) => {
    const source = `
      enum net_device_flags { IFF_UP = 1<<0, IFF_BROADCAST = 1<<1 };
      #define IFF_UP IFF_UP
      #define IFF_BROADCAST IFF_BROADCAST
      #define IFF_BOTH (IFF_UP|IFF_BROADCAST)
      #define LOOP LOOP`;
    t.same(constantsOf(source), { IFF_UP: 1n, IFF_BROADCAST: 2n, IFF_BOTH: 3n });
    t.end();
  });

  t.test('names from earlier headers are visible', (t) => {
    const symbols = new SymbolTable();
    constantsOf('#define BASE 0x10\nenum { __E_MAX = 4 };', symbols);
    t.same(constantsOf('#define NEXT (BASE + __E_MAX)', symbols), { NEXT: 20n });
    t.end();
  });

  t.test('doc comments from the header', (t) => {
    const source = [
      '/**',
      ' * enum doc_kernel - a kernel-doc comment',
      ' * @K_ONE: the first, see %K_TWO and &enum other',
      ' *\tcontinued here',
      ' * @K_TWO: mail@example.org',
      ' */',
      'enum doc_kernel { K_ONE, K_TWO, /* kernel-doc wins */ K_THREE };',
      'enum {',
      '\tA_PLAIN,',
      '\tA_TRAILING,\t/* after it */',
      '\t/* above it,',
      '\t * on two lines */',
      '\tA_ABOVE,',
      '};',
      '',
      '/* a heading, then an empty line */',
      '',
      '#define D_PLAIN 1',
      '#define D_SLASHES 2 // has */ inside',
      '#define D_EMPTY 3 /*  */',
      '// first line',
      '// second line',
      '#define D_LINES 4',
      '#define D_SPLICED (1 + \\',
      '\t2) /* after the continuation */',
      '#define D_NEXT 5',
      'enum { SOLO };',
      'enum { X_A = 1, Y_B };',
    ].join('\n');
    const docs = Object.fromEntries(
      extractConstants(source).map(({ name, enumName, comment }) => [name, { enumName, comment }]),
    );
    t.same(docs, {
      K_ONE: { enumName: 'enum doc_kernel', comment: 'the first, see `K_TWO` and `enum other`\ncontinued here' },
      K_TWO: { enumName: 'enum doc_kernel', comment: 'mail\\@example.org' },
      K_THREE: { enumName: 'enum doc_kernel', comment: 'kernel-doc wins' },
      A_PLAIN: { enumName: 'enum { A_... }', comment: undefined },
      A_TRAILING: { enumName: 'enum { A_... }', comment: 'after it' },
      A_ABOVE: { enumName: 'enum { A_... }', comment: 'above it,\non two lines' },
      D_PLAIN: { enumName: undefined, comment: undefined },
      D_SLASHES: { enumName: undefined, comment: 'has *\\/ inside' },
      D_EMPTY: { enumName: undefined, comment: undefined },
      D_LINES: { enumName: undefined, comment: 'first line\nsecond line' },
      D_SPLICED: { enumName: undefined, comment: undefined },
      D_NEXT: { enumName: undefined, comment: undefined },
      SOLO: { enumName: 'enum { SOLO }', comment: undefined },
      X_A: { enumName: 'enum { X_A, ... }', comment: undefined },
      Y_B: { enumName: 'enum { X_A, ... }', comment: undefined },
    });
    t.end();
  });

  t.test('rendering', (t) => {
    const constants = [
      { name: 'NEGATIVE', value: -3n, header: 'linux/x.h', enumName: 'enum x_values', comment: undefined },
      { name: 'BIG', value: 2n ** 53n, header: 'linux/x.h', enumName: undefined, comment: 'Big.\nVery big.' },
    ];
    t.equal(
      renderModule(['linux/x.h'], constants),
      [
        '// Generated by codegen/generate.ts from linux/x.h. Do not edit.',
        '/** `NEGATIVE`: member of `enum x_values` in <linux/x.h>. */',
        'export const NEGATIVE = -3;',
        '/**',
        ' * Big.',
        ' * Very big.',
        ' *',
        ' * `BIG` from <linux/x.h> (#define).',
        ' */',
        'export const BIG = 9007199254740992n;',
        '',
      ].join('\n'),
    );
    const errno = (name: string, value: bigint) => ({ name, value, header: 'asm-generic/errno.h', enumName: undefined, comment: undefined });
    const errnos = [errno('EAGAIN', 11n), errno('EPERM', 1n), errno('EWOULDBLOCK', 11n)];
    t.equal(
      renderModule(['asm-generic/errno.h'], errnos, true),
      [
        '// Generated by codegen/generate.ts from asm-generic/errno.h. Do not edit.',
        '/** `EAGAIN` from <asm-generic/errno.h> (#define). */',
        'export const EAGAIN = 11;',
        '/** `EPERM` from <asm-generic/errno.h> (#define). */',
        'export const EPERM = 1;',
        '/** `EWOULDBLOCK` from <asm-generic/errno.h> (#define). */',
        'export const EWOULDBLOCK = 11;',
        '/** The name of each error number in <asm-generic/errno.h>; where names share a number (EAGAIN and EWOULDBLOCK), the first one defined. */',
        'export const ERRNO_NAMES: Readonly<Record<number, string>> = Object.freeze({',
        "  1: 'EPERM',",
        "  11: 'EAGAIN',",
        '});',
        '',
      ].join('\n'),
    );
    t.throws(() => renderModule(['x.h'], [errno('EODD', -1n)], true));
    t.equal(renderModule(['empty.h'], []), '// Generated by codegen/generate.ts from empty.h. Do not edit.\nexport {};\n');
    t.end();
  });

  t.end();
});
