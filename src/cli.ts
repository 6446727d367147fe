// The command line: `computehub start` runs the bot; `computehub <command> [args] [--json] [--yes]`
// runs one command through the same registry as the local admin and exits:
// 0 success, 1 a user error (message on stderr), 2 a usage error.
// Only light modules load here: `sim` and `health` must start fast, so the app loads on demand.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.ts';
import { ControlSocketError } from './control-socket.ts';
import { DataDirBusyError } from './data-dir.ts';
import { StoreLoadError } from '#store/db.ts';
import { HEARTBEAT_FILE, HEARTBEAT_STALE_SECONDS, type Heartbeat } from './scheduler.ts';

const EXIT = { ok: 0, failed: 1, usage: 2, config: 78 } as const;

/** Problems the bot wrote into its heartbeat (none in a file from an older version). */
async function reportedProblems(file: string): Promise<string[]> {
  try {
    const problems = (JSON.parse(await readFile(file, 'utf8')) as Partial<Heartbeat>).problems;
    return Array.isArray(problems) ? problems.map(String) : [];
  } catch {
    return [];
  }
}

/** For Docker's HEALTHCHECK: healthy while the running bot keeps its heartbeat file fresh and reports no problem. */
async function checkHealth(): Promise<number> {
  const config = loadConfig();
  const file = path.resolve(config.COMPUTEHUB_DATA_DIR, HEARTBEAT_FILE);
  try {
    const ageSeconds = (Date.now() - (await stat(file)).mtimeMs) / 1000;
    const problems = await reportedProblems(file);
    if (problems.length) {
      process.stderr.write(`unhealthy: ${problems.join(' ')}\n`);
      return EXIT.failed;
    }
    if (ageSeconds <= HEARTBEAT_STALE_SECONDS) {
      process.stdout.write(`healthy: heartbeat ${Math.round(ageSeconds)} s ago\n`);
      return EXIT.ok;
    }
    process.stderr.write(`unhealthy: the last heartbeat was ${Math.round(ageSeconds)} s ago (${file}); the bot is stuck or stopped.\n`);
  } catch {
    process.stderr.write(`unhealthy: no heartbeat at ${file}; is the bot running with this COMPUTEHUB_DATA_DIR?\n`);
  }
  return EXIT.failed;
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === 'health') return checkHealth();
  if (first === 'start') {
    const { startBot } = await import('./main.ts');
    await startBot(loadConfig());
    return -1;
  }
  if (first === 'sim') {
    const { runSimulatorCli } = await import('#sim/cli.ts');
    return runSimulatorCli(rest);
  }
  const { runCommand } = await import('./one-shot.ts');
  return runCommand(first === undefined ? [] : [first, ...rest]);
}

try {
  const code = await main(process.argv.slice(2));
  // A one-shot command is done: background work (a late provider answer) must not hold the exit.
  if (code >= 0) process.exit(code);
} catch (error) {
  if (error instanceof ConfigError || error instanceof StoreLoadError || error instanceof DataDirBusyError || error instanceof ControlSocketError) {
    process.stderr.write(`${error.message}\n`);
    // Exit at once: whatever was already started (the simulator, sockets) must not keep us alive.
    process.exit(error instanceof ConfigError ? EXIT.config : EXIT.failed);
  } else {
    throw error;
  }
}
