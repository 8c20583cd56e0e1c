// Reading untrusted JSON: every check names the JSON path of what it looked at
// (`nftables[3].rule.expr[1].match.left`), and every failure is an
// InvalidArgumentError, whatever the input (null, cycles of prototypes aside, wrong types, huge numbers).
import { InvalidArgumentError } from '../../../netlink/addresses.js';
import { describeValue } from '../../../netlink/checks.js';

/** A JSON value with the path it was found at. */
export class JsonNode {
  constructor(readonly value: unknown, readonly path: string) {}

  /** Throws an InvalidArgumentError naming this node's path. */
  fail(message: string): never {
    throw new InvalidArgumentError(`${this.path}: ${message}`);
  }

  at(key: string): JsonNode {
    return new JsonNode(this.isObject() ? (this.value as Record<string, unknown>)[key] : undefined, `${this.path}.${key}`);
  }

  isObject(): boolean {
    return typeof this.value === 'object' && this.value !== null && !Array.isArray(this.value);
  }

  isArray(): boolean {
    return Array.isArray(this.value);
  }

  isMissing(): boolean {
    return this.value === undefined;
  }

  /** An object whose keys are all in `known`. */
  object(known?: readonly string[]): JsonNode {
    if (!this.isObject()) this.fail(`expected an object, got ${describeValue(this.value)}`);
    if (known) {
      for (const key of Object.keys(this.value as object)) {
        if (!known.includes(key)) this.fail(`unknown property "${key}" (known: ${known.join(', ')})`);
      }
    }
    return this;
  }

  /** The single key of an object like `{ "accept": null }` and the node under it. */
  single(what: string): [string, JsonNode] {
    if (!this.isObject()) this.fail(`expected ${what}: an object with one property, got ${describeValue(this.value)}`);
    const keys = Object.keys(this.value as object);
    if (keys.length !== 1) this.fail(`expected ${what}: an object with exactly one property, got ${keys.length ? keys.map((k) => `"${k}"`).join(', ') : 'none'}`);
    return [keys[0]!, this.at(keys[0]!)];
  }

  items(): JsonNode[] {
    if (!Array.isArray(this.value)) this.fail(`expected an array, got ${describeValue(this.value)}`);
    return this.value.map((v, i) => new JsonNode(v, `${this.path}[${i}]`));
  }

  /** An array, or a single value standing for an array of one (nft prints one flag as a string). */
  list(): JsonNode[] {
    return Array.isArray(this.value) ? this.items() : [this];
  }

  string(): string {
    if (typeof this.value !== 'string') this.fail(`expected a string, got ${describeValue(this.value)}`);
    return this.value;
  }

  optionalString(): string | undefined {
    return this.isMissing() ? undefined : this.string();
  }

  /** A non-negative integer no larger than `max`. */
  integer(max = Number.MAX_SAFE_INTEGER, min = 0): number {
    const v = this.value;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.fail(`expected an integer ${min}-${max}, got ${describeValue(v)}`);
    return v;
  }

  optionalInteger(max?: number, min?: number): number | undefined {
    return this.isMissing() ? undefined : this.integer(max, min);
  }

  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail(`expected true or false, got ${describeValue(this.value)}`);
    return this.value;
  }

  /** A string among `allowed`. */
  oneOf<T extends string>(allowed: readonly T[]): T {
    const s = this.string();
    if (!allowed.includes(s as T)) this.fail(`"${s}" is not one of ${allowed.join(', ')}`);
    return s as T;
  }
}

/**
 * Runs `fn`, turning an InvalidArgumentError raised by nlkit's own checks
 * (which know the value, not where it came from) into one naming `node`'s path.
 */
export function within<T>(node: JsonNode, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof InvalidArgumentError) {
      if (e.message.startsWith('nftables')) throw e;
      throw new InvalidArgumentError(`${node.path}: ${e.message}`);
    }
    // A check nlkit lacks must still surface as bad input, never as a stray TypeError or RangeError.
    throw new InvalidArgumentError(`${node.path}: cannot be used (${e instanceof Error ? e.message : String(e)})`);
  }
}
