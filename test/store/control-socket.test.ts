// The control socket carries a CLI command to the running bot and its printed answer back, in order,
// with the exit code; it refuses a malformed request and a path no Unix socket can have.
import { createConnection, createServer } from 'node:net';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ControlSocketError, SOCKET_FILE, sendToBot, serveControlSocket } from '#src/control-socket.ts';
import type { LockOwner } from '#src/data-dir.ts';
import { createLogger } from '#src/log.ts';
import { tempDir } from '#test/support/app.ts';

const log = createLogger({ level: 'silent', format: 'json' });
const owner: LockOwner = { pid: 4321, hostname: 'here', startedAt: 'now', kind: 'bot' };

function collect() {
  const printed: string[] = [];
  return { printed, out: { stdout: (text: string) => printed.push(`out:${text}`), stderr: (text: string) => printed.push(`err:${text}`) } };
}

describe('the control socket', () => {
  it('runs the argv in the bot and streams what it prints, then its exit code; the socket is 0600', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, SOCKET_FILE), 'left by a bot that died');
    const seen: string[][] = [];
    const server = await serveControlSocket(dir, async (argv, out) => {
      seen.push(argv);
      out.stderr('… working\n');
      out.stdout('done: "quoted value"\n');
      return 2;
    }, log);
    try {
      expect(statSync(server.path).mode & 0o777).toBe(0o600);
      const { printed, out } = collect();
      const code = await sendToBot(dir, ['member', 'add', 'name=Ana Lee', '--json'], out, owner);
      expect(code).toBe(2);
      expect(seen).toEqual([['member', 'add', 'name=Ana Lee', '--json']]);
      expect(printed).toEqual(['err:… working\n', 'out:done: "quoted value"\n']);
    } finally {
      await server.close();
    }
  });

  it('refuses an answer that is not the protocol with a message instead of crashing the CLI', async () => {
    const dir = tempDir();
    const server = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n\n', () => socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(path.join(dir, SOCKET_FILE), resolve));
    try {
      const { out } = collect();
      const failure = await sendToBot(dir, ['instances'], out, owner).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ControlSocketError);
      expect(String((failure as Error).message)).toContain('is not a ComputeHub reply');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('answers a malformed request with a usage exit code instead of running anything', async () => {
    const dir = tempDir();
    let ran = false;
    const server = await serveControlSocket(dir, async () => {
      ran = true;
      return 0;
    }, log);
    try {
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        const socket = createConnection(server.path, () => socket.write('{"argv":"member add"}\n'));
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => (text += chunk));
        socket.on('close', () => resolve(text));
      });
      expect(answer).toContain('expected one JSON line');
      expect(answer).toContain('{"exit":2}');
      expect(ran).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('says plainly when the bot does not answer, or the data directory path is too long for a socket', async () => {
    const dir = tempDir();
    const { out } = collect();
    await expect(sendToBot(dir, ['whoami'], out, owner)).rejects.toThrow(ControlSocketError);
    await expect(sendToBot(dir, ['whoami'], out, owner)).rejects.toThrow(`A ComputeHub bot (pid 4321) is running with the data directory ${dir}`);
    const deep = path.join(dir, 'x'.repeat(120));
    await expect(sendToBot(deep, ['whoami'], out, owner)).rejects.toThrow(/more than the 107 a Unix socket path may have.*Use a shorter COMPUTEHUB_DATA_DIR/s);
    await expect(serveControlSocket(deep, async () => 0, log)).rejects.toThrow(ControlSocketError);
  });
});
