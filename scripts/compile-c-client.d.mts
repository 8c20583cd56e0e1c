// Types of compile-c-client.mjs, for the tests and the bench (TypeScript).
export declare const C_CLIENT_SOURCE: string;
export declare const C_CLIENT_FLAGS: readonly string[];
export declare class CClientBuildError extends Error {
  readonly output: string;
  constructor(message: string, output: string);
}
export declare function compileCClient(options: { header: string; output: string; cc?: string }): void;
