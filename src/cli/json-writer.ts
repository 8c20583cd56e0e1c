// iproute2's JSON layout (lib/json_writer.c), so `nlkit -j` and `nlkit -j -p`
// print byte for byte what `ip -j` and `ip -j -p` print: compact JSON without
// spaces, or, pretty, four spaces per level with arrays of values kept on one
// line (`[ "UP","LOWER_UP" ]`) and the top-level array opened as `[ {`.

function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    switch (ch) {
      case '\t': out += '\\t'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\f': out += '\\f'; break;
      case '\b': out += '\\b'; break;
      case '\\': out += '\\\\'; break;
      case '"': out += '\\"'; break;
      default: out += ch;
    }
  }
  return out + '"';
}

/**
 * A value ip writes with jsonw_printf rather than as a JSON number: printed
 * as its text, verbatim (the bridge timers' `0.00`, which a number would
 * shorten to `0`).
 */
export class JsonLiteral {
  constructor(readonly text: string) {}
  toJSON(): number {
    return Number(this.text);
  }
}

/**
 * An object given as its members in order, where a key may repeat: ip's
 * writer prints whatever keys it is handed, and does repeat some (a route's
 * `dst` and its encap's). Members whose value is undefined are left out.
 */
export class JsonMembers {
  constructor(readonly members: readonly (readonly [string, unknown])[]) {}
}

/** Mirrors json_writer's state machine: a pending separator and the nesting depth. */
class JsonWriter {
  private out = '';
  private depth = 0;
  private sep = '';

  constructor(private readonly pretty: boolean) {}

  text(): string {
    return this.out;
  }

  private eol(): void {
    if (!this.pretty) return;
    this.out += '\n' + '    '.repeat(this.depth);
  }

  private eor(): void {
    this.out += this.sep;
    this.sep = ',';
  }

  private begin(c: string): void {
    this.eor();
    this.out += c;
    this.depth++;
    this.sep = '';
  }

  private end(c: string): void {
    this.depth--;
    if (this.sep !== '') this.eol();
    this.out += c;
    this.sep = ',';
  }

  private name(key: string): void {
    this.eor();
    this.eol();
    this.sep = '';
    this.out += quote(key) + (this.pretty ? ': ' : ':');
  }

  value(v: unknown): void {
    if (v instanceof JsonLiteral) {
      this.eor();
      this.out += v.text;
    } else if (Array.isArray(v)) {
      this.begin('[');
      if (this.pretty) this.out += ' ';
      for (const item of v) this.value(item);
      if (this.pretty && this.sep) this.out += ' ';
      this.sep = '';
      this.end(']');
    } else if (v !== null && typeof v === 'object') {
      this.begin('{');
      for (const [k, x] of v instanceof JsonMembers ? v.members : Object.entries(v)) {
        if (x === undefined) continue;
        this.name(k);
        this.value(x);
      }
      this.end('}');
    } else {
      this.eor();
      if (typeof v === 'string') this.out += quote(v);
      else if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') this.out += String(v);
      else this.out += 'null';
    }
  }
}

/** `value` (normally an array of objects) as ip prints it, with the final newline. */
export function formatIpJson(value: unknown, pretty: boolean): string {
  const w = new JsonWriter(pretty);
  w.value(value);
  return w.text() + '\n';
}
