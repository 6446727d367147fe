// `computehub sim`: runs the simulator standalone until Ctrl-C and prints how to point ComputeHub at it.
import { simulatorEnv, startSimulator } from './index.ts';
import type { SimulatorOptions } from './types.ts';

const USAGE = 'usage: computehub sim [--port <base>] [--host <ip>] [--seed <n>] [--offers <n>] [--time-scale <x>]';

/** Parses `--name value` / `--name=value` options; throws a usage message on anything else. */
export function parseSimArgs(argv: readonly string[]): SimulatorOptions {
  const options: SimulatorOptions = {};
  for (let index = 0; index < argv.length; index += 1) {
    const [flag, inline] = argv[index]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = inline ?? argv[++index];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    const number = Number(value);
    const needNumber = (check: boolean, what: string) => {
      if (!check) throw new Error(`${flag} must be ${what}, got "${value}"\n${USAGE}`);
      return number;
    };
    if (flag === '--port') options.basePort = needNumber(Number.isInteger(number) && number > 0 && number < 65_531, 'a port number (it uses this and the next four)');
    else if (flag === '--host') options.host = value;
    else if (flag === '--seed') options.seed = needNumber(Number.isInteger(number), 'an integer');
    else if (flag === '--offers') options.vastOffers = needNumber(Number.isInteger(number) && number > 0, 'a positive integer');
    else if (flag === '--time-scale') options.timeScale = needNumber(number >= 0, 'a number >= 0');
    else throw new Error(`unknown option ${flag}\n${USAGE}`);
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
