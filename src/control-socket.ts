// The running bot's local door for the CLI: a Unix socket in the data directory (0600, inside the
// 0700 directory). The CLI sends its argv as one JSON line; the bot runs it exactly as the one-shot
// path would and streams back what to print, line by line, then the exit code:
//   → {"argv":["member","add","telegram:1"]}
//   ← {"stderr":"… Deploying\n"}  {"stdout":"✓ Ada is now a dev\n"}  {"exit":0}
import { chmod, unlink } from 'node:fs/promises';
import { createConnection, createServer, type Socket } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LockOwner } from './data-dir.ts';
import type { Logger } from './log.ts';
import type { CliOutput } from './one-shot.ts';

export const SOCKET_FILE = 'computehub.sock';
/** sun_path holds 108 bytes on Linux, including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;
const MAX_REQUEST_BYTES = 64 * 1024;
/** A bot listens moments after it takes the lock; the CLI tries for about two seconds. */
const CONNECT_ATTEMPTS = 8;
const CONNECT_RETRY_MS = 250;

type Message = { stdout: string } | { stderr: string } | { exit: number };
export type CliRunner = (argv: string[], out: CliOutput) => Promise<number>;

export class ControlSocketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlSocketError';
  }
}

function socketPath(dataDir: string): string {
  const file = path.join(dataDir, SOCKET_FILE);
  const bytes = Buffer.byteLength(file);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new ControlSocketError(
      `The control socket ${file} would be ${bytes} bytes long, more than the ${MAX_SOCKET_PATH_BYTES} a Unix socket path may have, ` +
        'so the CLI cannot reach the running bot. Use a shorter COMPUTEHUB_DATA_DIR (a symlink to the data directory works).',
    );
  }
  return file;
}

function parseRequest(line: string): string[] | undefined {
  try {
    const argv = (JSON.parse(line) as { argv?: unknown }).argv;
    return Array.isArray(argv) && argv.every((word) => typeof word === 'string') ? argv : undefined;
  } catch {
    return undefined;
  }
}

function serve(socket: Socket, run: CliRunner, log: Logger): void {
  let buffer = '';
  let started = false;
  const send = (message: Message) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
  };
  socket.setEncoding('utf8');
  socket.on('error', () => undefined);
  socket.on('data', (chunk: string) => {
    if (started) return;
    buffer += chunk;
    const end = buffer.indexOf('\n');
    if (end < 0 && buffer.length <= MAX_REQUEST_BYTES) return;
    started = true;
    const argv = end >= 0 && end <= MAX_REQUEST_BYTES ? parseRequest(buffer.slice(0, end)) : undefined;
    if (!argv) {
      send({ stderr: 'The bot could not read that request: expected one JSON line {"argv": [...]} of at most 64 KiB.\n' });
      send({ exit: 2 });
      socket.end();
      return;
    }
    const out: CliOutput = { stdout: (text) => send({ stdout: text }), stderr: (text) => send({ stderr: text }) };
    void run(argv, out)
      .catch((error: unknown) => {
        log.error({ err: error }, 'a command from the CLI crashed');
        out.stderr('Something went wrong inside the running bot; see its log.\n');
        return 1;
      })
      .then((code) => {
        send({ exit: code });
        socket.end();
      });
  });
}

export interface ControlSocket {
  readonly path: string;
  close(): Promise<void>;
}

/** Listens on the data directory's socket. Call it only while holding the data-directory lock. */
export async function serveControlSocket(dataDir: string, run: CliRunner, log: Logger): Promise<ControlSocket> {
  const file = socketPath(dataDir);
  // A socket file left by a bot that died: we hold the lock, so nobody listens on it.
  await unlink(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  const connections = new Set<Socket>();
  const server = createServer((socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    serve(socket, run, log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => resolve());
  });
  await chmod(file, 0o600);
  return {
    path: file,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of connections) socket.destroy();
      }),
  };
}

/** Runs a CLI command in the bot that holds the data directory; prints its answer and returns its exit code. */
export async function sendToBot(dataDir: string, argv: readonly string[], out: CliOutput, owner: LockOwner): Promise<number> {
  const file = socketPath(dataDir);
  const unreachable = (why: string) =>
    new ControlSocketError(
      `A ComputeHub bot (pid ${owner.pid}) is running with the data directory ${dataDir}, so commands go to it, ` +
        `but ${why}. If that bot is stuck, stop it and run the command again.`,
    );
  for (let attempt = 1; ; attempt++) {
    try {
      return await exchange(file, argv, out, unreachable);
    } catch (error) {
      // The bot has just taken the lock and is about to listen.
      const starting = error instanceof NotListening && attempt < CONNECT_ATTEMPTS;
      if (!starting) throw error instanceof NotListening ? unreachable(`its control socket ${file} does not answer (${error.code})`) : error;
      await sleep(CONNECT_RETRY_MS);
    }
  }
}

class NotListening extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

/** One line of the bot's answer, or undefined when the line is not the protocol's JSON. */
function parseMessage(line: string): Message | undefined {
  try {
    const message: unknown = JSON.parse(line);
    return typeof message === 'object' && message !== null ? (message as Message) : undefined;
  } catch {
    return undefined;
  }
}

function exchange(file: string, argv: readonly string[], out: CliOutput, unreachable: (why: string) => Error): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const socket = createConnection(file);
    let connected = false;
    let buffer = '';
    let exit: number | undefined;
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      connected = true;
      socket.write(`${JSON.stringify({ argv })}\n`);
    });
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        const message = parseMessage(line);
        if (!message) {
          socket.destroy();
          reject(unreachable(`what answers on its control socket ${file} is not a ComputeHub reply`));
          return;
        }
        if ('stdout' in message) out.stdout(message.stdout);
        else if ('stderr' in message) out.stderr(message.stderr);
        else exit = message.exit;
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected && (error.code === 'ENOENT' || error.code === 'ECONNREFUSED')) reject(new NotListening(error.code));
      else reject(unreachable(`the connection to its control socket ${file} failed (${error.code ?? error.message})`));
    });
    socket.on('close', () => {
      if (exit === undefined) reject(unreachable('it closed the connection before the command finished (it may have stopped); check whether the command was done'));
      else resolve(exit);
    });
  });
}
