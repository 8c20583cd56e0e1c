/** A named network namespace that does not exist under the run directory. */
export class NetnsNotFoundError extends Error {
  override readonly name = 'NetnsNotFoundError';
  readonly code = 'ENOENT';
  constructor(readonly netns: string, where: string) {
    super(`network namespace "${netns}" does not exist (no ${where}); create it with createNetns("${netns}") or "ip netns add ${netns}"`);
  }
}

/** createNetns on a name that is already taken. */
export class NetnsExistsError extends Error {
  override readonly name = 'NetnsExistsError';
  readonly code = 'EEXIST';
  constructor(readonly netns: string, where: string) {
    super(`network namespace "${netns}" already exists (${where})`);
  }
}
