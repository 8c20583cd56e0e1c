// A list of actions as filters carry it (TCA_U32_ACT, ...): one nested
// attribute per action, numbered by its order (1, 2, ...), each holding
// TCA_ACT_KIND and the kind's TCA_ACT_OPTIONS.
import { TCA_ACT_INDEX, TCA_ACT_KIND, TCA_ACT_OPTIONS, TCA_ACT_STATS } from '../../../generated/pkt_cls.js';
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import type { AttributeCursor, RawAttribute } from '../../../netlink/attributes.js';
import { describeValue, requireObject } from '../../../netlink/checks.js';
import type { MessageWriter } from '../../../netlink/writer.js';
import { checkKeys } from '../../keys.js';
import type { LinkRef } from '../../resolve.js';
import { actionKindFor, tcActionKind, type TcActionKind, type TcEncodeContext, type TcJsonNames } from '../kind.js';
import type { GactSpec } from './gact.js';
import type { MirredSpec } from './mirred.js';
import type { PoliceSpec } from './police.js';

/** An action in a filter: `{ kind: 'mirred', ... }`, `{ kind: 'gact', control: 'drop' }`, `{ kind: 'police', ... }`. */
export type TcActionSpec = MirredSpec | GactSpec | PoliceSpec | OtherActionSpec;

/** An action of a kind registered with registerTcActionKind. */
export interface OtherActionSpec {
  /** The TCA_ACT_KIND of the registered kind. */
  kind: string;
  /** The kind's own options. */
  [option: string]: unknown;
}

/** A decoded action. */
export interface TcAction {
  /** Its position in the list (the attribute type, from 1). */
  order: number;
  /** TCA_ACT_KIND. */
  kind: string;
  /** TCA_ACT_OPTIONS decoded by the kind, or the raw attribute for kinds nlkit does not know. */
  options?: unknown;
  /** TCA_ACT_INDEX, when sent. */
  index?: number;
  /** TCA_ACT_STATS, raw. */
  stats?: Buffer;
  /** Other attributes, verbatim. */
  unknown: RawAttribute[];
}

/** An action spec checked, with its plug-in. */
export interface PreparedAction {
  kind: TcActionKind;
  prepared: unknown;
}

/** TCA_ACT_MAX_PRIO: how many actions a list holds. */
const MAX_ACTIONS = 32;

/** Checks a list of action specs before anything is sent. */
export function prepareActions(specs: unknown, what: string): PreparedAction[] {
  if (!Array.isArray(specs)) throw new InvalidArgumentError(`${what} must be an array of actions like [{ kind: 'mirred', ... }], got ${describeValue(specs)}`);
  if (specs.length > MAX_ACTIONS) throw new InvalidArgumentError(`${what} holds at most ${MAX_ACTIONS} actions, got ${specs.length}`);
  return specs.map((spec, i) => {
    const s = requireObject<Record<string, unknown>>(spec, `${what}[${i}]`, "{ kind: 'gact', control: 'drop' }");
    const kind = actionKindFor(s.kind);
    try {
      checkKeys(s, new Set(['kind', ...kind.specKeys]), `${kind.kind} action`);
      return { kind, prepared: kind.prepare(s) };
    } catch (error) {
      if (error instanceof InvalidArgumentError) throw new InvalidArgumentError(`${what}[${i}]: ${error.message}`);
      throw error;
    }
  });
}

/** Links the actions name. */
export function actionLinkRefs(actions: readonly PreparedAction[]): LinkRef[] {
  return actions.flatMap((a) => a.kind.linkRefs?.(a.prepared) ?? []);
}

/** Writes the list as attribute `type` (opened without NLA_F_NESTED, as tc does). */
export function encodeActions(writer: MessageWriter, type: number, actions: readonly PreparedAction[], ctx: TcEncodeContext): void {
  const list = writer.beginNestedLegacy(type);
  actions.forEach((a, i) => {
    const one = writer.beginNestedLegacy(i + 1);
    writer.string(TCA_ACT_KIND, a.kind.kind);
    a.kind.encode(writer, a.prepared, ctx);
    writer.endNested(one);
  });
  writer.endNested(list);
}

/** Reads a list of actions; the cursor stands on the list attribute. */
export function decodeActions(c: AttributeCursor): TcAction[] {
  const out: TcAction[] = [];
  const list = c.nestedCursor();
  while (list.next()) {
    const action: TcAction = { order: list.type, kind: '', unknown: [] };
    const a = list.nestedCursor();
    let options: { start: number; length: number } | undefined;
    while (a.next()) {
      switch (a.type) {
        case TCA_ACT_KIND: action.kind = a.string(); break;
        case TCA_ACT_OPTIONS: options = { start: a.start - 4, length: a.length + 4 }; break;
        case TCA_ACT_INDEX: action.index = a.u32(); break;
        case TCA_ACT_STATS: action.stats = a.bytes(); break;
        default: action.unknown.push(a.raw());
      }
    }
    if (options) {
      const oc = list.cursorInside(options.start, options.start + options.length);
      oc.next();
      const kind = tcActionKind(action.kind);
      action.options = kind ? kind.decode(oc) : oc.raw();
    }
    out.push(action);
  }
  return out;
}

/** The `actions` array of `tc -j`. */
export function actionsToTcJson(actions: readonly TcAction[], names: TcJsonNames): Record<string, unknown>[] {
  return actions.map((a) => {
    const kind = tcActionKind(a.kind);
    const body = kind?.toTcJson && a.options !== undefined ? kind.toTcJson(a.options, names) : {};
    return { order: a.order, kind: a.kind, ...body };
  });
}
