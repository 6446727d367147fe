// `computehub sim`: runs the simulator standalone until Ctrl-C and prints how to point ComputeHub at it.
import { parseArgs } from 'node:util';
import { simulatorEnv, startSimulator } from './index.ts';
import type { SimulatorOptions } from './types.ts';

const USAGE = 'usage: computehub sim [--port <base>] [--host <ip>] [--seed <n>] [--offers <n>] [--time-scale <x>]';

/** A numeric option: where it goes in the options and what it must be. */
interface NumberOption {
  key: 'basePort' | 'seed' | 'vastOffers' | 'timeScale';
  what: string;
  fits(value: number): boolean;
}

const NUMBER_OPTIONS: Record<string, NumberOption> = {
  port: { key: 'basePort', what: 'a port number (it uses this and the next four)', fits: (value) => Number.isInteger(value) && value > 0 && value < 65_531 },
  seed: { key: 'seed', what: 'an integer', fits: Number.isInteger },
  offers: { key: 'vastOffers', what: 'a positive integer', fits: (value) => Number.isInteger(value) && value > 0 },
  'time-scale': { key: 'timeScale', what: 'a number >= 0', fits: (value) => value >= 0 },
};

/** Parses `--name value` / `--name=value` options; throws a usage message on anything else. */
export function parseSimArgs(argv: readonly string[]): SimulatorOptions {
  const options: SimulatorOptions = {};
  const known = Object.fromEntries(['host', ...Object.keys(NUMBER_OPTIONS)].map((name) => [name, { type: 'string' as const }]));
  // Not strict: the tokens let every problem be worded with the usage line, as before.
  const { tokens } = parseArgs({ args: [...argv], options: known, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option' || !(token.name in known)) throw new Error(`unknown option ${token.kind === 'option' ? token.rawName : token.kind === 'positional' ? token.value : '--'}\n${USAGE}`);
    if (token.value === undefined) throw new Error(`${token.rawName} needs a value\n${USAGE}`);
    const numeric = NUMBER_OPTIONS[token.name];
    if (!numeric) {
      options.host = token.value;
      continue;
    }
    const number = Number(token.value);
    if (!numeric.fits(number)) throw new Error(`${token.rawName} must be ${numeric.what}, got "${token.value}"\n${USAGE}`);
    options[numeric.key] = number;
  }
  return options;
}

/** Runs until SIGINT/SIGTERM; returns the exit code (0 after a clean stop, 2 for bad options, 1 when it cannot listen). */
export async function runSimulatorCli(argv: readonly string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let options: SimulatorOptions;
  try {
    options = parseSimArgs(argv);
  } catch (error) {
    err.write(`${(error as Error).message}\n`);
    return 2;
  }
  let sim;
  try {
    sim = await startSimulator(options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = code === 'EADDRINUSE' ? ` Ports ${options.basePort}-${(options.basePort ?? 0) + 4} must be free; pick another --port.` : '';
    err.write(`The simulator could not start: ${(error as Error).message}.${hint}\n`);
    return 1;
  }
  const lines = [
    'ComputeHub marketplace simulator (all data is SIMULATED)',
    `  vast        ${sim.urls.vast}`,
    `  runpod      ${sim.urls.runpod}`,
    `  lambda      ${sim.urls.lambda}`,
    `  tensordock  ${sim.urls.tensordock}`,
    `  admin       ${sim.urls.admin}   (POST /faults, DELETE /faults, GET /state, POST /clock/advance)`,
    '',
    'Point ComputeHub at it with:',
    ...Object.entries(simulatorEnv(sim.urls)).map(([name, value]) => `${name}=${value}`),
    '',
    'Any non-empty API key is accepted. Ctrl-C to stop.',
  ];
  out.write(`${lines.join('\n')}\n`);
  const running = sim;
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void running.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
