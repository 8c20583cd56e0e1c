// Statement printers behind one registry keyed by the statement's JSON name
// (`match`, `counter`, `snat`...): each module registers its own.
import type { NftJsonStatement, NftJsonValue } from '../../json/schema.js';
import { useElementStatements } from '../expressions.js';
import { NftTextUnsupported } from '../unsupported.js';

/** Prints one statement from its JSON body; `family` is the rule's table family. */
export type StatementPrinter = (body: NftJsonValue, kind: string, family: string) => string;

const PRINTERS = new Map<string, StatementPrinter>();

/** Registers the printer of one or more statement names. */
export function registerStatement(names: string | string[], printer: StatementPrinter): void {
  for (const name of Array.isArray(names) ? names : [names]) PRINTERS.set(name, printer);
}

/** One statement in nft's words (a string, nft-JSON's form of a statement it has no JSON for, as it is). */
export function statementText(stmt: NftJsonStatement | string, family = ''): string {
  if (typeof stmt === 'string') return stmt;
  const [kind, body] = Object.entries(stmt)[0] ?? ['', null];
  const printer = PRINTERS.get(kind);
  if (!printer) throw new NftTextUnsupported(`statement ${kind}`);
  return printer(body ?? null, kind, family);
}

// The statements a set element carries (`quota 10 mbytes`) print as statements do.
useElementStatements((kind, body) => statementText({ [kind]: body }));

/** A JSON body as a record (statements with fields). */
export function fields(body: NftJsonValue): Record<string, NftJsonValue> {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {};
}
