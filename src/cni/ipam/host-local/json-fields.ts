// host-local decodes its configuration with Go's encoding/json, which matches
// keys without regard to case (`rangestart` sets rangeStart) and lets the last
// matching key win. Reading keys the same way keeps a configuration meaning the
// same thing to both implementations.

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value Go would decode into the field named `key`; undefined when absent or null. */
export function goField(object: JsonObject, key: string): unknown {
  const wanted = key.toLowerCase();
  let value: unknown;
  for (const name of Object.keys(object)) {
    if (name.toLowerCase() === wanted) value = object[name];
  }
  return value === null ? undefined : value;
}
