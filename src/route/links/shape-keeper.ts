// V8 forgets a hidden class once a full garbage collection finds no object
// using it (transitions to it are weak), and throws away every function
// compiled against it. Decoding makes short-lived cursors and requests, and
// links whose classes grow field by field; so after each full collection the
// whole link decoder ran unoptimized again for thousands of calls, about
// twice as slow. Keeping one object of each hot class alive keeps the code.

const exemplars: object[] = [];
let latest: object | undefined;

/** Keeps `exemplar` (one instance of a class used on a hot path) alive for good. */
export function keepShapeAlive(exemplar: object): void {
  exemplars.push(exemplar);
}

/**
 * Keeps the latest decoded link alive until the next one: a link's hidden
 * class depends on the attributes it has, so the one just decoded stands for
 * the links to come. Holds one link (and the slab its bytes live in) at most.
 */
export function keepLatestShape(link: object): void {
  latest = link;
}

