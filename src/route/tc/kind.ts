// The plug-in interface of qdisc, class and filter kinds (TCA_KIND), and of
// actions (TCA_ACT_KIND), and the registries that hold them by name.
import type { AttributeCursor } from '../../netlink/attributes.js';
import { InvalidArgumentError } from '../../netlink/addresses.js';
import { describeValue, jsonOf, requireNonEmptyString, requireObject } from '../../netlink/checks.js';
import type { MessageWriter } from '../../netlink/writer.js';
import type { LinkRef } from '../resolve.js';
import type { PschedClock } from './clock.js';

/** The three traffic-control objects, as `tc qdisc`, `tc class` and `tc filter` name them. */
export type TcObjectType = 'qdisc' | 'class' | 'filter';

/** What encoders need besides the spec: link indexes resolved before sending, and the scheduler clock. */
export interface TcEncodeContext {
  /** The ifindex of a link the spec names (resolved before anything is sent). */
  linkIndex(ref: LinkRef): number;
  /** /proc/net/psched, for rate tables and burst times. */
  readonly clock: PschedClock;
}

/** How `tc -j` would name other links: ifindex to name. */
export interface TcJsonNames {
  /** The link's name, or undefined when unknown (tc then prints nothing useful either). */
  linkName(index: number): string | undefined;
  /** /proc/net/psched, to turn ticks back into bytes and times. */
  readonly clock: PschedClock;
}

/**
 * A qdisc, class or filter kind as a plug-in: which objects it makes, its
 * spec fields, validation (before anything is sent), TCA_OPTIONS encoding and
 * decoding, and the `options` object `tc -j -d` prints.
 */
export interface TcKind<Prepared = any, Options = any> {
  /** The TCA_KIND string, e.g. "tbf", "htb", "u32". */
  readonly kind: string;
  /** The objects this kind can be (htb is a qdisc and a class). */
  readonly objects: readonly TcObjectType[];
  /** Spec fields of this kind per object, besides the common ones (others are refused as typos). */
  specKeys(object: TcObjectType): readonly string[];
  /**
   * Checks the kind's fields and computes what is sent (InvalidArgumentError
   * on bad input). `header` has the filter's protocol (host order; 3 for all),
   * which flower repeats as its eth_type key.
   */
  prepare(spec: Record<string, unknown>, object: TcObjectType, header: { protocol: number }): Prepared;
  /** Links the prepared options name (a mirred target), resolved before sending. */
  linkRefs?(prepared: Prepared): readonly LinkRef[];
  /**
   * Opens what the request names by fd (bpf: a pinned program), once every
   * check has passed and just before sending; returns what closes it, which
   * runs after the request whether it succeeded or not.
   */
  acquire?(prepared: Prepared): () => void;
  /** Writes TCA_OPTIONS (or nothing, for kinds without options). */
  encode(writer: MessageWriter, prepared: Prepared, ctx: TcEncodeContext): void;
  /** Reads TCA_OPTIONS; the cursor stands on it. MalformedMessageError for bytes that do not fit. */
  decode(cursor: AttributeCursor, object: TcObjectType): Options;
  /** The `options` object of `tc -j -d`, as iproute2 6.1 prints it; `handle` is the object's tcm_handle. */
  toTcJson?(options: Options, object: TcObjectType, names: TcJsonNames, handle: number): Record<string, unknown>;
}

/** An action (TCA_ACT_KIND): mirred, gact, police, ... */
export interface TcActionKind<Prepared = any, Options = any> {
  /** The TCA_ACT_KIND string. */
  readonly kind: string;
  /** Spec fields besides `kind`. */
  readonly specKeys: readonly string[];
  /** Checks the spec (InvalidArgumentError) and computes what is sent. */
  prepare(spec: Record<string, unknown>): Prepared;
  /** Links the action names, resolved before sending. */
  linkRefs?(prepared: Prepared): readonly LinkRef[];
  /** Writes TCA_ACT_OPTIONS. */
  encode(writer: MessageWriter, prepared: Prepared, ctx: TcEncodeContext): void;
  /** Reads TCA_ACT_OPTIONS; the cursor stands on it. */
  decode(cursor: AttributeCursor): Options;
  /** The members `tc -j` prints for the action besides order and kind. */
  toTcJson?(options: Options, names: TcJsonNames): Record<string, unknown>;
}

const kinds = new Map<string, TcKind>();
const actionKinds = new Map<string, TcActionKind>();

function requirePlugin(plugin: unknown, what: string, functions: readonly string[]): Record<string, unknown> {
  const p = requireObject<Record<string, unknown>>(plugin, what, "{ kind: 'sfq', ... }");
  requireNonEmptyString(p.kind, `${what}.kind`);
  for (const f of functions) if (typeof p[f] !== 'function') throw new InvalidArgumentError(`${what} "${p.kind}" needs a ${f}() function, got ${describeValue(p[f])}`);
  return p;
}

/** Adds a qdisc/class/filter kind; a later registration of the same name replaces the earlier. */
export function registerTcKind(kind: TcKind): void {
  requirePlugin(kind, 'tc kind', ['specKeys', 'prepare', 'encode', 'decode']);
  kinds.set(kind.kind, kind);
}

/** Adds an action kind; a later registration of the same name replaces the earlier. */
export function registerTcActionKind(kind: TcActionKind): void {
  requirePlugin(kind, 'tc action kind', ['prepare', 'encode', 'decode']);
  actionKinds.set(kind.kind, kind);
}

/** The plug-in for TCA_KIND `name`, if nlkit knows it. */
export function tcKind(name: string): TcKind | undefined {
  return kinds.get(name);
}

/** The plug-in for TCA_ACT_KIND `name`, if nlkit knows it. */
export function tcActionKind(name: string): TcActionKind | undefined {
  return actionKinds.get(name);
}

/** The kind a spec asks for, refused before anything is sent when nlkit cannot make that object of it. */
export function kindFor(name: unknown, object: TcObjectType): TcKind {
  const kind = typeof name === 'string' ? kinds.get(name) : undefined;
  if (!kind || !kind.objects.includes(object)) {
    const known = [...kinds.values()].filter((k) => k.objects.includes(object)).map((k) => k.kind);
    throw new InvalidArgumentError(`unknown ${object} kind ${typeof name === 'string' ? jsonOf(name) : describeValue(name)}; nlkit knows: ${known.join(', ')}`);
  }
  return kind;
}

/** The action kind an action spec asks for. */
export function actionKindFor(name: unknown): TcActionKind {
  const kind = typeof name === 'string' ? actionKinds.get(name) : undefined;
  if (!kind) throw new InvalidArgumentError(`unknown action kind ${typeof name === 'string' ? jsonOf(name) : describeValue(name)}; nlkit knows: ${[...actionKinds.keys()].join(', ')}`);
  return kind;
}
