// V8 forgets a hidden class once a full garbage collection finds no object
// using it (transitions to it are weak), and throws away every function
// compiled against it. Decoding makes short-lived cursors and requests, and
// links, routes and addresses whose classes grow field by field; so after
// each full collection a decoder ran unoptimized again for thousands of
// calls (a warm address dump fell from ~1.8M to ~0.1M addresses/s). Keeping
// one object of each hot class alive keeps the code.

const exemplars: object[] = [];
/**
 * The latest decoded object of each kind. A plain object, not a Map: each
 * caller passes a constant kind, so once inlined the store is a plain field
 * write (Map#set cost ~80 ns per decoded link in the get round trip).
 */
const latest: Record<string, object> = {};

/** Keeps `exemplar` (one instance of a class used on a hot path) alive for good. */
export function keepShapeAlive(exemplar: object): void {
  exemplars.push(exemplar);
}

/**
 * Keeps the latest decoded object of a kind (`link`, `route`, `address`)
 * alive until the next one: its hidden class depends on the attributes it
 * has, so the one just decoded stands for those to come. Holds one object
 * per kind (and for a link the slab its bytes live in) at most.
 */
export function keepLatestShape(kind: string, object: object): void {
  latest[kind] = object;
}

