// The wire format between a plugin executable and the agent: one call per
// connection. Plain enough that the client needs no JSON or base64 library
// (the Perl client uses core functions only): a header line of JSON, the
// call's stdin as raw bytes, and an answer line that is two decimal numbers.
//
//   request: {"plugin":"nlkit-bridge","env":{"CNI_COMMAND":"ADD",...},"stdinLength":N}\n<N bytes>
//   answer:  <exitCode> <stdoutLength>\n<stdoutLength bytes>
import { CniError, CniErrorCode } from '../errors.js';

/** One plugin call as the client sent it. */
export interface AgentRequest {
  plugin: string;
  env: Record<string, string>;
  stdin: Buffer;
}

/** Upper bounds on what a request may hold; larger ones are refused without being read. */
export interface RequestLimits {
  /** The header line, newline included. */
  maxHeaderBytes: number;
  /** The call's stdin (a network configuration with its prevResult). */
  maxStdinBytes: number;
}

export const DEFAULT_LIMITS: RequestLimits = { maxHeaderBytes: 256 * 1024, maxStdinBytes: 8 * 1024 * 1024 };

/** What a chunk of bytes amounts to so far. */
export type ParseState =
  | { state: 'incomplete' }
  | { state: 'complete'; request: AgentRequest }
  | { state: 'malformed'; error: CniError };

function malformed(message: string, details = ''): ParseState {
  return { state: 'malformed', error: new CniError(CniErrorCode.decodeFailure, `nlkit CNI agent: malformed request: ${message}`, details) };
}

function parseHeader(line: string, limits: RequestLimits): { plugin: string; env: Record<string, string>; stdinLength: number } | ParseState {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (error) {
    return malformed('the header line is not JSON', (error as Error).message);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return malformed('the header must be a JSON object');
  const { plugin, env, stdinLength } = raw as Record<string, unknown>;
  if (typeof plugin !== 'string' || plugin === '') return malformed('"plugin" must be a plugin name');
  if (typeof env !== 'object' || env === null || Array.isArray(env)) return malformed('"env" must be an object of strings');
  for (const [key, value] of Object.entries(env)) {
    if (typeof value !== 'string') return malformed(`"env"."${key}" must be a string`);
  }
  if (typeof stdinLength !== 'number' || !Number.isSafeInteger(stdinLength) || stdinLength < 0) return malformed('"stdinLength" must be a byte count');
  if (stdinLength > limits.maxStdinBytes) return malformed(`stdin of ${stdinLength} bytes is over the agent's limit of ${limits.maxStdinBytes}`);
  return { plugin, env: env as Record<string, string>, stdinLength };
}

/**
 * Reads a request from the bytes received so far. `ended`: the client
 * closed its side, so what is missing never comes. Bytes after the stdin
 * are an error rather than ignored: a client that sends them speaks another
 * protocol.
 */
export function parseRequest(received: Buffer, ended: boolean, limits: RequestLimits = DEFAULT_LIMITS): ParseState {
  const newline = received.indexOf(0x0a);
  if (newline < 0) {
    if (received.length >= limits.maxHeaderBytes) return malformed(`no header line within ${limits.maxHeaderBytes} bytes`);
    return ended ? malformed(received.length === 0 ? 'empty request' : 'the connection closed inside the header line') : { state: 'incomplete' };
  }
  if (newline + 1 > limits.maxHeaderBytes) return malformed(`the header line is over ${limits.maxHeaderBytes} bytes`);
  const header = parseHeader(received.subarray(0, newline).toString('utf8'), limits);
  if ('state' in header) return header;
  const body = received.subarray(newline + 1);
  if (body.length > header.stdinLength) return malformed(`${body.length - header.stdinLength} bytes after the announced stdin`);
  if (body.length < header.stdinLength) {
    return ended ? malformed(`the connection closed after ${body.length} of ${header.stdinLength} stdin bytes`) : { state: 'incomplete' };
  }
  return { state: 'complete', request: { plugin: header.plugin, env: header.env, stdin: Buffer.from(body) } };
}

/** The answer bytes for what the plugin printed and its exit code. */
export function encodeAnswer(stdout: string, exitCode: number): Buffer {
  const body = Buffer.from(stdout, 'utf8');
  return Buffer.concat([Buffer.from(`${exitCode} ${body.length}\n`), body]);
}

/** The request bytes (what the clients write; the tests and the bench use it too). */
export function encodeRequest(request: AgentRequest): Buffer {
  const header = JSON.stringify({ plugin: request.plugin, env: request.env, stdinLength: request.stdin.length });
  return Buffer.concat([Buffer.from(`${header}\n`), request.stdin]);
}

/** Splits an answer; undefined when it is not a complete one. */
export function decodeAnswer(bytes: Buffer): { exitCode: number; stdout: string } | undefined {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) return undefined;
  const match = /^(\d+) (\d+)$/.exec(bytes.subarray(0, newline).toString('latin1'));
  if (!match) return undefined;
  const body = bytes.subarray(newline + 1);
  if (body.length !== Number(match[2])) return undefined;
  return { exitCode: Number(match[1]), stdout: body.toString('utf8') };
}
