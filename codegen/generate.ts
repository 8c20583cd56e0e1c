/**
 * Generates the TypeScript constant modules in src/generated/ from Linux uapi headers.
 *
 *   node --import tsx codegen/generate.ts           write src/generated/*.ts
 *   node --import tsx codegen/generate.ts --check   write nothing, exit 1 if anything is out of date
 *
 * The header root defaults to /usr/include and can be overridden with NLKIT_UAPI_ROOT.
 *
 * This is deliberately not a C compiler. It understands exactly what the uapi headers use for
 * integer constants: object-like `#define`s and `enum` members, whose values are integer
 * expressions over literals and previously defined names. Everything else (function-like
 * macros, strings, types, structs) is skipped. Arithmetic is done on arbitrary-precision
 * integers, so a value is what a reader of the header would compute: `1 << 31` is 2147483648
 * (not C's overflowed int) while `~x` is negative, as in C.
 *
 * Every generated export gets a TSDoc comment, because the API reference documents each of
 * them: the header's own comment for the constant when it has one, and always a line saying
 * which header and which `#define` or `enum` it comes from.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------------------------------------
// What to generate
// ---------------------------------------------------------------------------------------------

interface ModuleSpec {
  /** Output path relative to the project root, e.g. 'src/generated/if_link.ts'. */
  readonly output: string;
  /** Headers relative to the uapi root, read in this order. */
  readonly headers: readonly string[];
  /** Also emit ERRNO_NAMES (number → canonical name). */
  readonly errnoNames?: boolean;
}

const OUTPUT_DIR = 'src/generated';

/**
 * Order matters: a header may refer to names from headers listed before it, the way
 * rtnetlink.h uses netlink.h.
 */
const SINGLE_HEADERS: readonly string[] = [
  'linux/netlink.h',
  'linux/rtnetlink.h',
  'linux/if_link.h',
  'linux/if_addr.h',
  'linux/if_arp.h',
  'linux/if.h',
  'linux/neighbour.h',
  'linux/fib_rules.h',
  'linux/nexthop.h',
  'linux/net_namespace.h',
  'linux/veth.h',
  'linux/if_bridge.h',
  'linux/lwtunnel.h',
  'linux/in.h',
  'linux/in6.h',
  'linux/sched.h',
  'linux/mount.h',
  'linux/netfilter.h',
  'linux/netfilter/nfnetlink.h',
  'linux/netfilter/nf_tables.h',
  'linux/netfilter/nf_nat.h',
  'linux/netfilter/nf_conntrack_common.h',
  'linux/netfilter/nf_log.h',
  'linux/netfilter/nf_conntrack_tuple_common.h',
  'linux/if_tun.h',
  'linux/if_tunnel.h',
  'linux/if_ether.h',
  'linux/in_route.h',
  'linux/icmpv6.h',
  'linux/icmp.h',
  'linux/netfilter_arp.h',
  'linux/pkt_sched.h',
  'linux/pkt_cls.h',
  'linux/tc_act/tc_mirred.h',
  'linux/tc_act/tc_gact.h',
];

export const MODULES: readonly ModuleSpec[] = [
  ...SINGLE_HEADERS.map((header) => ({
    output: `${OUTPUT_DIR}/${path.posix.basename(header, '.h')}.ts`,
    headers: [header],
  })),
  // errno.h only adds to errno-base.h, so both become one module.
  {
    output: `${OUTPUT_DIR}/errno.ts`,
    headers: ['asm-generic/errno-base.h', 'asm-generic/errno.h'],
    errnoNames: true,
  },
];

// ---------------------------------------------------------------------------------------------
// Tokens and symbols
// ---------------------------------------------------------------------------------------------

/** Every token knows the header line it starts on, so that constants can find their comments. */
type Token = { readonly line: number } & (
  | { readonly kind: 'ident' | 'number' | 'string' | 'punct'; readonly text: string }
  /** A whole `#define` line, kept in the token stream so it keeps its place among enum members. */
  | { readonly kind: 'define'; readonly name: string; readonly macro: Macro }
);

interface Macro {
  /** Function-like macros are never expanded: their values depend on arguments. */
  readonly functionLike: boolean;
  readonly body: readonly Token[];
}

export interface Constant {
  readonly name: string;
  readonly value: bigint;
  /** The enum it is a member of, as a reader would name it (`enum nft_verdicts`, `enum { IFLA_... }`); undefined for a #define. */
  readonly enumName: string | undefined;
  /** What the header says about it, cleaned up for TSDoc; undefined when it says nothing. */
  readonly comment: string | undefined;
}

/** A constant together with the header it comes from, which is what its doc comment names. */
export interface HeaderConstant extends Constant {
  /** Relative to the uapi root, e.g. 'linux/if_link.h'. */
  readonly header: string;
}

/**
 * Names visible while evaluating: everything defined so far in the current header and in the
 * headers processed before it. The first definition of a name wins.
 */
export class SymbolTable {
  readonly macros = new Map<string, Macro>();
  readonly enumConstants = new Map<string, bigint>();

  defineMacro(name: string, macro: Macro): void {
    if (!this.macros.has(name)) this.macros.set(name, macro);
  }

  defineEnumConstant(name: string, value: bigint): void {
    if (!this.enumConstants.has(name)) this.enumConstants.set(name, value);
  }
}

// ---------------------------------------------------------------------------------------------
// Lexing: line splicing, comments, tokens
// ---------------------------------------------------------------------------------------------

/**
 * Replaces what `pattern` matches, but keeps every line where it was: newlines swallowed by a
 * match are put back after the end of the line the match started on. Line n of the result is
 * then line n of the header, which is how constants find their comments later; the extra empty
 * lines mean nothing to the preprocessor.
 */
function replaceKeepingLines(text: string, pattern: RegExp, replacement: (match: string) => string): string {
  let swallowed = '';
  return text.replace(new RegExp(`${pattern.source}|\\n`, 'g'), (match) => {
    if (match === '\n') {
      const newlines = `\n${swallowed}`;
      swallowed = '';
      return newlines;
    }
    swallowed += match.replace(/[^\n]/g, '');
    return replacement(match);
  });
}

/** Joins backslash-continued lines; like the C preprocessor, this happens before comments go. */
function spliceLines(source: string): string {
  return replaceKeepingLines(source, /\\\r?\n/, () => '');
}

/**
 * Comments, and string and character literals: these are matched together so that a `/*` or
 * `//` inside a literal is not mistaken for a comment.
 */
const COMMENT_OR_LITERAL_RE = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/;

/** Replaces each comment by one space, as C does; literals are kept. */
function stripComments(source: string): string {
  return replaceKeepingLines(source, COMMENT_OR_LITERAL_RE, (match) => (match.startsWith('/') ? ' ' : match));
}

// Identifier | preprocessing number | string or char literal | punctuator.
const TOKEN_RE =
  /\s*(?:([A-Za-z_]\w*)|(\.?\d(?:[eEpP][+-]|[\w.])*)|("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|(<<|>>|->|&&|\|\||[<>=!]=|\S))/y;

/** The tokens of one preprocessed line, which starts on header line `line`. */
function tokenize(text: string, line: number): Token[] {
  const tokens: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  for (let match = TOKEN_RE.exec(text); match; match = TOKEN_RE.exec(text)) {
    const [, ident, number, string, punct] = match;
    if (ident !== undefined) tokens.push({ kind: 'ident', text: ident, line });
    else if (number !== undefined) tokens.push({ kind: 'number', text: number, line });
    else if (string !== undefined) tokens.push({ kind: 'string', text: string, line });
    else if (punct !== undefined) tokens.push({ kind: 'punct', text: punct, line });
  }
  return tokens;
}

function isPunct(token: Token | undefined, text: string): boolean {
  return token?.kind === 'punct' && token.text === text;
}

// ---------------------------------------------------------------------------------------------
// Preprocessor directives: conditionals and #define
// ---------------------------------------------------------------------------------------------

/**
 * What we can say about a conditional without knowing the configuration: `false` for blocks
 * userspace never sees (`#ifdef __KERNEL__`, `#if 0`), `true` for their mirror images, and
 * `undefined` for everything else, whose branches are all taken.
 */
function judgeCondition(directive: string, argument: string): boolean | undefined {
  const condition = argument.replace(/\s+/g, '');
  if (directive === 'ifdef') return condition === '__KERNEL__' ? false : undefined;
  if (directive === 'ifndef') return condition === '__KERNEL__' ? true : undefined;
  if (condition === '0' || /^defined\(?__KERNEL__\)?$/.test(condition)) return false;
  if (condition === '1' || /^!defined\(?__KERNEL__\)?$/.test(condition)) return true;
  return undefined;
}

interface ConditionalFrame {
  readonly enclosingActive: boolean;
  /** The current branch is being read. */
  branchActive: boolean;
  /** An earlier branch was known to be taken, so later #elif/#else branches are not. */
  decided: boolean;
}

class ConditionalStack {
  private readonly frames: ConditionalFrame[] = [];

  get active(): boolean {
    const top = this.frames.at(-1);
    return top === undefined || (top.enclosingActive && top.branchActive);
  }

  open(verdict: boolean | undefined): void {
    this.frames.push({ enclosingActive: this.active, branchActive: verdict !== false, decided: verdict === true });
  }

  elseIf(verdict: boolean | undefined): void {
    const top = this.top('#elif');
    top.branchActive = !top.decided && verdict !== false;
    top.decided ||= verdict === true;
  }

  otherwise(): void {
    const top = this.top('#else');
    top.branchActive = !top.decided;
    top.decided = true;
  }

  close(): void {
    this.top('#endif');
    this.frames.pop();
  }

  private top(directive: string): ConditionalFrame {
    const top = this.frames.at(-1);
    if (top === undefined) throw new Error(`${directive} without #if`);
    return top;
  }
}

function parseDefine(argument: string, line: number): Token | undefined {
  const match = /^([A-Za-z_]\w*)(\()?(.*)$/s.exec(argument);
  if (match === null) return undefined;
  const [, name, paren, rest] = match;
  // Only a parenthesis glued to the name makes a function-like macro; `#define X (1 << 2)`
  // is object-like.
  const macro: Macro = { functionLike: paren !== undefined, body: tokenize(rest ?? '', line) };
  return { kind: 'define', name: name!, macro, line };
}

/**
 * Turns a header into one token stream: ordinary C tokens from the lines that are compiled in
 * userspace, with each `#define` in place as a single token. Other directives are dropped.
 */
function preprocess(source: string): Token[] {
  const tokens: Token[] = [];
  const conditionals = new ConditionalStack();
  const lines = stripComments(spliceLines(source)).split('\n');
  for (const [index, line] of lines.entries()) {
    const lineNumber = index + 1;
    const directive = /^\s*#\s*(\w*)\s*(.*)$/s.exec(line);
    if (directive === null) {
      if (conditionals.active) tokens.push(...tokenize(line, lineNumber));
      continue;
    }
    const [, keyword = '', argument = ''] = directive;
    switch (keyword) {
      case 'if':
      case 'ifdef':
      case 'ifndef':
        conditionals.open(judgeCondition(keyword, argument));
        break;
      case 'elif':
        conditionals.elseIf(judgeCondition(keyword, argument));
        break;
      case 'else':
        conditionals.otherwise();
        break;
      case 'endif':
        conditionals.close();
        break;
      case 'define': {
        const define = conditionals.active ? parseDefine(argument, lineNumber) : undefined;
        if (define !== undefined) tokens.push(define);
        break;
      }
      default:
        // #include, #undef, #error, #pragma: nothing that defines an integer constant.
        break;
    }
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Items: the #defines and enum members of a header, in source order
// ---------------------------------------------------------------------------------------------

/** An enum definition, shared by its members so that each can say which enum it belongs to. */
interface EnumDefinition {
  /** The tag in `enum tag { ... }`; undefined for an anonymous enum. */
  readonly tag: string | undefined;
  /** The member names, in order (empty for a member we could not read). */
  readonly memberNames: string[];
}

type Item = {
  readonly name: string;
  /** The header line the name is on. */
  readonly line: number;
} & (
  | { readonly kind: 'define'; readonly macro: Macro }
  | {
      readonly kind: 'enumMember';
      readonly definition: EnumDefinition;
      /** First member of its enum: an implicit value starts at 0. */
      readonly first: boolean;
      /** Everything between the name and the next `,` or `}`: empty, or `= expression`. */
      readonly tail: Token[];
    }
);

/**
 * Finds `enum [tag] { ... }` bodies in the token stream and collects their members, together
 * with every #define. Defines met inside an enum body (uapi headers put `#define X X` and
 * `#define FOO_MAX (__FOO_MAX - 1)` there) are recorded where they appear.
 */
function collectItems(tokens: readonly Token[]): Item[] {
  const items: Item[] = [];
  let index = 0;
  const nextToken = (): Token | undefined => {
    for (let token = tokens[index++]; token !== undefined; token = tokens[index++]) {
      if (token.kind !== 'define') return token;
      items.push({ kind: 'define', name: token.name, macro: token.macro, line: token.line });
    }
    return undefined;
  };

  for (let token = nextToken(); token !== undefined; token = nextToken()) {
    if (token.kind !== 'ident' || token.text !== 'enum') continue;
    let afterEnum = nextToken();
    let tag: string | undefined;
    if (afterEnum?.kind === 'ident') {
      tag = afterEnum.text;
      afterEnum = nextToken();
    }
    // Without a brace this is a use such as `enum foo x;`, not a definition.
    if (isPunct(afterEnum, '{')) collectEnumMembers(nextToken, items, { tag, memberNames: [] });
  }
  return items;
}

function collectEnumMembers(nextToken: () => Token | undefined, items: Item[], definition: EnumDefinition): void {
  let first = true;
  for (let token = nextToken(); token !== undefined && !isPunct(token, '}'); token = nextToken()) {
    // A name that is not an identifier can only come from syntax we do not understand; an
    // empty name is never emitted and makes the following implicit values unknown.
    const name = token.kind === 'ident' ? token.text : '';
    const member = { kind: 'enumMember' as const, name, line: token.line, definition, first, tail: [] as Token[] };
    items.push(member);
    definition.memberNames.push(name);
    first = false;
    let depth = 0;
    for (token = nextToken(); token !== undefined; token = nextToken()) {
      if (depth === 0 && (isPunct(token, ',') || isPunct(token, '}'))) break;
      if (isPunct(token, '(')) depth++;
      if (isPunct(token, ')')) depth--;
      member.tail.push(token);
    }
    if (token === undefined || isPunct(token, '}')) return;
  }
}

/**
 * How a reader would name an enum: `enum tag`, or for an anonymous enum the prefix its public
 * members share (`enum { IFLA_... }`), or failing that its first member (`enum { FOO, ... }`).
 */
function describeEnum({ tag, memberNames }: EnumDefinition): string {
  if (tag !== undefined) return `enum ${tag}`;
  const names = memberNames.filter((name) => name !== '' && !name.startsWith('__'));
  const [firstName = '', ...others] = names;
  if (others.length === 0) return `enum { ${firstName} }`;
  let prefix = firstName;
  for (const name of others) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  // Cut back to a whole word: IFLA_ADDRESS and IFLA_ALT_IFNAME share IFLA_A, which says nothing.
  prefix = prefix.slice(0, prefix.lastIndexOf('_') + 1);
  return prefix === '' ? `enum { ${firstName}, ... }` : `enum { ${prefix}... }`;
}

// ---------------------------------------------------------------------------------------------
// Header comments: what the header says about each constant
// ---------------------------------------------------------------------------------------------

interface HeaderComment {
  readonly firstLine: number;
  readonly lastLine: number;
  /** Nothing but blanks before it on its first line: a comment about what follows. */
  readonly standalone: boolean;
  readonly kernelDoc: boolean;
  /** The raw comment text, delimiters included. */
  readonly raw: string;
}

/**
 * Every comment in a header, in order, with the lines it covers. A run of `//` lines on their
 * own is one block, the way a reader sees it.
 */
function findComments(source: string): HeaderComment[] {
  const comments: HeaderComment[] = [];
  const pattern = new RegExp(COMMENT_OR_LITERAL_RE.source, 'g');
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    const raw = match[0];
    if (!raw.startsWith('/')) continue; // a string or character literal
    const before = source.slice(0, match.index);
    const firstLine = before.split('\n').length;
    const comment: HeaderComment = {
      firstLine,
      lastLine: firstLine + raw.split('\n').length - 1,
      standalone: /(?:^|\n)[ \t]*$/.test(before),
      kernelDoc: raw.startsWith('/**'),
      raw,
    };
    const previous = comments.at(-1);
    if (previous !== undefined && continuesLineComments(previous, comment)) {
      comments[comments.length - 1] = { ...previous, lastLine: comment.lastLine, raw: `${previous.raw}\n${raw}` };
    } else {
      comments.push(comment);
    }
  }
  return comments;
}

/** `// ...` on its own line right below another one. */
function continuesLineComments(previous: HeaderComment, comment: HeaderComment): boolean {
  const isOwnLineComment = (c: HeaderComment) => c.standalone && c.raw.startsWith('//');
  return isOwnLineComment(previous) && isOwnLineComment(comment) && previous.lastLine === comment.firstLine - 1;
}

/**
 * Comment text as it can stand in a TSDoc comment: delimiters, leading `*` decoration and
 * alignment blanks go; `@` is escaped so TSDoc does not read `@NAME` as a tag; and a `*` + `/`
 * that a `//` comment might contain is broken up so it cannot end the generated comment.
 */
function cleanCommentText(text: string): string | undefined {
  const lines = text
    .replace(/^\/\*+|\*+\/$/g, '')
    .split('\n')
    .map((line) => line.replace(/^\s*(?:\/\/+|\*(?!\/))\s?/, '').replace(/\s+/g, ' ').trim());
  while (lines[0] === '') lines.shift();
  while (lines.at(-1) === '') lines.pop();
  if (lines.length === 0) return undefined;
  return lines.join('\n').replace(/\\/g, '\\\\').replace(/@/g, '\\@').replace(/\*\//g, '*\\/');
}

/**
 * Kernel-doc comments (`/** ... *\/` above an enum) describe members as `@NAME: text`, the text
 * running on over the following lines until the next `@` line or an empty line. Returns the
 * descriptions by name. Kernel-doc markup is turned into what a TypeDoc reader understands:
 * `%NAME` and `&enum foo` become code spans.
 */
function kernelDocDescriptions(raw: string): Map<string, string> {
  const descriptions = new Map<string, string>();
  let current: { name: string; lines: string[] } | undefined;
  const finish = () => {
    const text = current && cleanCommentText(current.lines.join('\n'));
    if (current && text !== undefined && !descriptions.has(current.name)) descriptions.set(current.name, text);
    current = undefined;
  };
  for (const line of raw.split('\n').map((line) => line.replace(/^\s*(?:\/\*\*|\*\/|\*)?\s?/, ''))) {
    const entry = /^@(\w+):\s*(.*)$/.exec(line);
    if (entry !== null) {
      finish();
      current = { name: entry[1]!, lines: [entry[2]!] };
    } else if (line.trim() === '') {
      finish();
    } else {
      current?.lines.push(line);
    }
  }
  finish();
  for (const [name, text] of descriptions) {
    descriptions.set(name, text.replace(/%(\w+)/g, '`$1`').replace(/&((?:struct|enum|union) \w+)/g, '`$1`'));
  }
  return descriptions;
}

/**
 * Finds the header's comment for the constant named on a given line, in this order:
 *   1. its `@NAME:` entry in a kernel-doc comment, which is written for exactly that name (a
 *      member may also have a terse tag after it, like `IFF_UP ... /* sysfs *\/`);
 *   2. a comment after it on the same line (`IFLA_MTU,  /* ... *\/`);
 *   3. a comment block directly above it, with no empty line between.
 * A comment is never spread over the constants that follow it: a block above an enum or a
 * heading above a group of defines is not about each of them, so it reaches at most the one
 * constant directly below it.
 */
class HeaderComments {
  private readonly trailing = new Map<number, HeaderComment>();
  private readonly above = new Map<number, HeaderComment>();
  private readonly kernelDoc = new Map<string, string>();

  constructor(source: string) {
    for (const comment of findComments(source)) {
      if (!comment.standalone) {
        if (!this.trailing.has(comment.firstLine)) this.trailing.set(comment.firstLine, comment);
        continue;
      }
      this.above.set(comment.lastLine + 1, comment);
      if (!comment.kernelDoc) continue;
      for (const [name, text] of kernelDocDescriptions(comment.raw)) {
        if (!this.kernelDoc.has(name)) this.kernelDoc.set(name, text);
      }
    }
  }

  for(name: string, line: number): string | undefined {
    const kernelDocText = this.kernelDoc.get(name);
    if (kernelDocText !== undefined) return kernelDocText;
    const trailing = this.trailing.get(line);
    const trailingText = trailing && cleanCommentText(trailing.raw);
    if (trailingText !== undefined) return trailingText;
    const above = this.above.get(line);
    return above && cleanCommentText(above.raw);
  }
}

// ---------------------------------------------------------------------------------------------
// Evaluation: macro expansion and integer expressions
// ---------------------------------------------------------------------------------------------

/** Thrown when an expression is not an integer constant we can compute; the name is skipped. */
class NotAConstant extends Error {}

/**
 * Replaces object-like macros by their bodies, recursively. As in C, a macro is not expanded
 * inside its own expansion: `#define IFF_UP IFF_UP` leaves the identifier IFF_UP, which then
 * names the enum constant.
 */
function expandMacros(tokens: readonly Token[], symbols: SymbolTable, hidden: ReadonlySet<string>): Token[] {
  const expanded: Token[] = [];
  for (const token of tokens) {
    const macro = token.kind === 'ident' && !hidden.has(token.text) ? symbols.macros.get(token.text) : undefined;
    if (token.kind === 'ident' && macro !== undefined && !macro.functionLike) {
      expanded.push(...expandMacros(macro.body, symbols, new Set([...hidden, token.text])));
    } else {
      expanded.push(token);
    }
  }
  return expanded;
}

const INTEGER_LITERAL_RE = /^(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9]\d*))(?:[uU](?:ll|LL|l|L)?|(?:ll|LL|l|L)[uU]?)?$/;

function parseIntegerLiteral(text: string): bigint {
  const match = INTEGER_LITERAL_RE.exec(text);
  if (match === null) throw new NotAConstant(`not an integer literal: ${text}`);
  const [, hex, octal, decimal] = match;
  if (hex !== undefined) return BigInt(`0x${hex}`);
  if (octal !== undefined) return BigInt(`0o${octal}`);
  return BigInt(decimal!);
}

const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5,
  '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

/** Casts such as `(unsigned long int) 0xffffffff` (linux/in.h) are accepted and ignored. */
const INTEGER_TYPE_WORDS = new Set([
  'char', 'short', 'int', 'long', 'signed', 'unsigned',
  '__u8', '__u16', '__u32', '__u64', '__s8', '__s16', '__s32', '__s64',
]);

function isTypeWord(token: Token | undefined): boolean {
  return token?.kind === 'ident' && INTEGER_TYPE_WORDS.has(token.text);
}

const truth = (value: boolean): bigint => (value ? 1n : 0n);

function applyBinary(operator: string, left: bigint, right: bigint): bigint {
  switch (operator) {
    case '||': return truth(left !== 0n || right !== 0n);
    case '&&': return truth(left !== 0n && right !== 0n);
    case '|': return left | right;
    case '^': return left ^ right;
    case '&': return left & right;
    case '==': return truth(left === right);
    case '!=': return truth(left !== right);
    case '<': return truth(left < right);
    case '>': return truth(left > right);
    case '<=': return truth(left <= right);
    case '>=': return truth(left >= right);
    case '+': return left + right;
    case '-': return left - right;
    case '*': return left * right;
  }
  // Shifts by a negative amount or past 64 bits and division by zero are undefined in C.
  if ((operator === '<<' || operator === '>>') && right >= 0n && right < 64n) {
    return operator === '<<' ? left << right : left >> right;
  }
  if ((operator === '/' || operator === '%') && right !== 0n) {
    return operator === '/' ? left / right : left % right; // both truncate toward zero, as in C
  }
  throw new NotAConstant(`cannot evaluate ${left} ${operator} ${right}`);
}

/** Recursive-descent evaluator for C integer constant expressions (after macro expansion). */
class ExpressionEvaluator {
  private position = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly enumConstants: ReadonlyMap<string, bigint>,
  ) {}

  evaluate(): bigint {
    const value = this.conditional();
    if (this.position !== this.tokens.length) throw new NotAConstant('trailing tokens');
    return value;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private take(): Token {
    const token = this.tokens[this.position++];
    if (token === undefined) throw new NotAConstant('unexpected end of expression');
    return token;
  }

  private expect(text: string): void {
    if (!isPunct(this.take(), text)) throw new NotAConstant(`expected ${text}`);
  }

  private conditional(): bigint {
    const condition = this.binary(1);
    if (!isPunct(this.peek(), '?')) return condition;
    this.position++;
    const whenTrue = this.conditional();
    this.expect(':');
    const whenFalse = this.conditional();
    return condition !== 0n ? whenTrue : whenFalse;
  }

  /** Precedence climbing over the left-associative binary operators. */
  private binary(minimumPrecedence: number): bigint {
    let left = this.unary();
    for (;;) {
      const token = this.peek();
      const operator = token?.kind === 'punct' ? token.text : '';
      const precedence = BINARY_PRECEDENCE[operator];
      if (precedence === undefined || precedence < minimumPrecedence) return left;
      this.position++;
      left = applyBinary(operator, left, this.binary(precedence + 1));
    }
  }

  private unary(): bigint {
    const token = this.take();
    if (token.kind === 'punct') {
      switch (token.text) {
        case '+': return this.unary();
        case '-': return -this.unary();
        case '~': return ~this.unary();
        case '!': return truth(this.unary() === 0n);
        case '(':
          if (this.skipCastTypeName()) return this.unary();
          return this.parenthesized();
      }
    }
    return this.primary(token);
  }

  private parenthesized(): bigint {
    const value = this.conditional();
    this.expect(')');
    return value;
  }

  /** Called after `(`: consumes `type-words )` when that is what follows. */
  private skipCastTypeName(): boolean {
    let end = this.position;
    while (isTypeWord(this.tokens[end])) end++;
    if (end === this.position || !isPunct(this.tokens[end], ')')) return false;
    this.position = end + 1;
    return true;
  }

  private primary(token: Token): bigint {
    if (token.kind === 'number') return parseIntegerLiteral(token.text);
    if (token.kind === 'ident') {
      const value = this.enumConstants.get(token.text);
      if (value !== undefined) return value;
    }
    // Unknown names, sizeof, function-like macro calls, strings, member access...
    throw new NotAConstant(`not an integer constant: ${token.kind === 'define' ? token.name : token.text}`);
  }
}

/** The value of `tokens`, or undefined when they are not an integer constant expression. */
function tryEvaluate(tokens: readonly Token[], symbols: SymbolTable, hidden: ReadonlySet<string> = new Set()): bigint | undefined {
  try {
    return new ExpressionEvaluator(expandMacros(tokens, symbols, hidden), symbols.enumConstants).evaluate();
  } catch (error) {
    if (error instanceof NotAConstant) return undefined;
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Per-header extraction
// ---------------------------------------------------------------------------------------------

/**
 * Evaluates enum members in order, registering each as it gets a value, so that later members
 * and macros can use it. Returns the values by item.
 */
function evaluateEnumMembers(items: readonly Item[], symbols: SymbolTable): Map<Item, bigint> {
  const values = new Map<Item, bigint>();
  let implicitValue: bigint | undefined = 0n; // undefined once a member's value is unknown
  for (const item of items) {
    if (item.kind !== 'enumMember') continue;
    if (item.first) implicitValue = 0n;
    let value: bigint | undefined;
    if (item.name === '') value = undefined;
    else if (item.tail.length === 0) value = implicitValue;
    else if (isPunct(item.tail[0], '=')) value = tryEvaluate(item.tail.slice(1), symbols);
    implicitValue = value === undefined ? undefined : value + 1n;
    if (value === undefined) continue;
    values.set(item, value);
    symbols.defineEnumConstant(item.name, value);
  }
  return values;
}

function macroValue(name: string, macro: Macro, symbols: SymbolTable): bigint | undefined {
  return macro.functionLike ? undefined : tryEvaluate(macro.body, symbols, new Set([name]));
}

/**
 * The integer constants a header defines, in source order. The first definition of a name is
 * the one that counts, even when a later one (as in `#define IFF_UP IFF_UP` after the enum)
 * could be evaluated too. Names starting with `__` are internal and left out, although they
 * stay available to expressions (`#define IFLA_MAX (__IFLA_MAX - 1)`).
 *
 * `symbols` holds the names of the headers processed before; this header's names are added.
 */
export function extractConstants(source: string, symbols: SymbolTable = new SymbolTable()): Constant[] {
  const items = collectItems(preprocess(source));
  const comments = new HeaderComments(source);
  // Macros expand lazily, like in C, so all of them are known before anything is evaluated:
  // veth.h defines VETH_INFO_MAX inside the enum, before __VETH_INFO_MAX has its value.
  for (const item of items) if (item.kind === 'define') symbols.defineMacro(item.name, item.macro);
  const enumValues = evaluateEnumMembers(items, symbols);

  const constants: Constant[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.name)) continue;
    seen.add(item.name);
    if (item.name === '' || item.name.startsWith('__')) continue;
    const value = item.kind === 'enumMember' ? enumValues.get(item) : macroValue(item.name, item.macro, symbols);
    if (value === undefined) continue;
    const enumName = item.kind === 'enumMember' ? describeEnum(item.definition) : undefined;
    constants.push({ name: item.name, value, enumName, comment: comments.for(item.name, item.line) });
  }
  return constants;
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function formatValue(value: bigint): string {
  const fitsInNumber = value <= MAX_SAFE && value >= -MAX_SAFE;
  return fitsInNumber ? value.toString() : `${value}n`;
}

/** Where a constant comes from and what declares it: the part of its doc that is always there. */
function describeOrigin({ name, header, enumName }: HeaderConstant): string {
  return enumName === undefined
    ? `\`${name}\` from <${header}> (#define).`
    : `\`${name}\`: member of \`${enumName}\` in <${header}>.`;
}

/**
 * The TSDoc comment of a constant: the header's comment first, since that is what the constant
 * means, then where it comes from; just the latter when the header has nothing to say.
 */
function renderDocComment(constant: HeaderConstant): string[] {
  const origin = describeOrigin(constant);
  if (constant.comment === undefined) return [`/** ${origin} */`];
  return ['/**', ...constant.comment.split('\n').map((line) => ` * ${line}`), ' *', ` * ${origin}`, ' */'];
}

/** Maps each number to the first name defined for it, so EAGAIN wins over EWOULDBLOCK. */
function renderErrnoNames(headers: readonly string[], constants: readonly Constant[]): string[] {
  const names = new Map<bigint, string>();
  for (const { name, value } of constants) if (!names.has(value)) names.set(value, name);
  const entries = [...names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [value, name] of entries) {
    // Error numbers are small and positive; anything else would also not be a valid key below.
    if (value < 0n || value > MAX_SAFE) throw new Error(`${name} = ${value} is not an error number`);
  }
  const sources = headers.map((header) => `<${header}>`).join(' and ');
  return [
    `/** The name of each error number in ${sources}; where names share a number (EAGAIN and EWOULDBLOCK), the first one defined. */`,
    'export const ERRNO_NAMES: Readonly<Record<number, string>> = Object.freeze({',
    ...entries.map(([value, name]) => `  ${value}: '${name}',`),
    '});',
  ];
}

export function renderModule(headers: readonly string[], constants: readonly HeaderConstant[], errnoNames = false): string {
  const lines = [
    `// Generated by codegen/generate.ts from ${headers.join(', ')}. Do not edit.`,
    ...constants.flatMap((constant) => [
      ...renderDocComment(constant),
      `export const ${constant.name} = ${formatValue(constant.value)};`,
    ]),
  ];
  if (errnoNames) lines.push(...renderErrnoNames(headers, constants));
  if (lines.length === 1) lines.push('export {};'); // keep an empty result a module
  return `${lines.join('\n')}\n`;
}

/** Drops later definitions of a name, for modules made of several headers. */
function firstByName(constants: readonly HeaderConstant[]): HeaderConstant[] {
  const byName = new Map<string, HeaderConstant>();
  for (const constant of constants) if (!byName.has(constant.name)) byName.set(constant.name, constant);
  return [...byName.values()];
}

/**
 * Generates every module from the headers under `root`, without writing anything.
 * Keys are output paths relative to the project root ('src/generated/if_link.ts').
 */
export function generateAll(root: string): Map<string, string> {
  const symbols = new SymbolTable();
  const modules = new Map<string, string>();
  for (const spec of MODULES) {
    const constants = spec.headers.flatMap((header) =>
      extractConstants(readFileSync(path.join(root, header), 'utf8'), symbols).map((constant) => ({ ...constant, header })),
    );
    modules.set(spec.output, renderModule(spec.headers, firstByName(constants), spec.errnoNames));
  }
  return modules;
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the command line reads and writes, and where it reports; replaceable for tests. */
export interface CliContext {
  /** The directory that holds src/generated. */
  readonly projectRoot: string;
  readonly uapiRoot: string;
  readonly log: (message: string) => void;
  readonly error: (message: string) => void;
}

const defaultContext: CliContext = {
  projectRoot: PROJECT_ROOT,
  uapiRoot: process.env['NLKIT_UAPI_ROOT'] ?? '/usr/include',
  log: (message) => console.log(message),
  error: (message) => console.error(message),
};

/** Generated-looking files in the output directory that the generator no longer produces. */
function staleFiles(modules: ReadonlyMap<string, string>, projectRoot: string): string[] {
  const directory = path.join(projectRoot, OUTPUT_DIR);
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `${OUTPUT_DIR}/${file}`)
    .filter((output) => !modules.has(output))
    .sort();
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

function check(modules: ReadonlyMap<string, string>, context: CliContext): number {
  const problems: string[] = [];
  for (const [output, content] of modules) {
    const current = readIfExists(path.join(context.projectRoot, output));
    if (current === undefined) problems.push(`missing: ${output}`);
    else if (current !== content) problems.push(`differs: ${output}`);
  }
  problems.push(...staleFiles(modules, context.projectRoot).map((output) => `stale: ${output}`));
  if (problems.length === 0) {
    context.log(`${modules.size} generated files are up to date`);
    return 0;
  }
  context.error(`Generated files are out of date (run npm run codegen):\n  ${problems.join('\n  ')}`);
  return 1;
}

function write(modules: ReadonlyMap<string, string>, context: CliContext): number {
  mkdirSync(path.join(context.projectRoot, OUTPUT_DIR), { recursive: true });
  let written = 0;
  for (const [output, content] of modules) {
    const file = path.join(context.projectRoot, output);
    // Unchanged files are left alone so that their timestamps stay put.
    if (readIfExists(file) === content) continue;
    writeFileSync(file, content);
    written++;
  }
  context.log(`Wrote ${written} of ${modules.size} generated files`);
  for (const output of staleFiles(modules, context.projectRoot)) {
    context.error(`warning: ${output} is not generated any more; delete it if it is obsolete`);
  }
  return 0;
}

/** Runs the command line; returns the exit code. */
export function main(args: readonly string[], context: CliContext = defaultContext): number {
  const unknown = args.filter((arg) => arg !== '--check');
  if (unknown.length > 0) {
    context.error(`Unknown arguments: ${unknown.join(' ')}\nUsage: generate.ts [--check]`);
    return 2;
  }
  const modules = generateAll(context.uapiRoot);
  return args.includes('--check') ? check(modules, context) : write(modules, context);
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined || !existsSync(script)) return false;
  return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
}

if (isEntryPoint()) process.exitCode = main(process.argv.slice(2));
