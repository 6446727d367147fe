// Builds the services every entry point shares (the bot, the CLI, tests) from a Config.
import path from 'node:path';
import type { Config } from './config.ts';
import { configSecrets } from './config.ts';
import { CommandRegistry } from './core/registry.ts';
import type { CommandDefinition, CommandGroup, OptionSpecs } from './core/command.ts';
import { createLogger, registerSecret, type Logger } from './log.ts';
import { openDatabase, type Db } from './store/db.ts';
import { Vault } from './store/vault.ts';
import { IdentityService } from './services/identity.ts';
import { ClaimService } from './services/claim.ts';
import { LicenceService, SHIPPED_LICENCE_PUBLIC_KEY } from './services/licence.ts';
import { createChartRenderer, type ChartRenderer } from './services/charts/index.ts';
import { COMMANDS, GROUPS } from '../commands/index.ts';

export const PROVIDER_NAMES = ['vast', 'runpod', 'lambda', 'tensordock'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Which providers talk to the real service (a key is configured) and which to the simulator. */
export function providerModes(config: Config): Record<ProviderName, 'real' | 'simulated'> {
  const mode = (key: string | undefined) => (key ? 'real' : 'simulated');
  return {
    vast: mode(config.VAST_API_KEY),
    runpod: mode(config.RUNPOD_API_KEY),
    lambda: mode(config.LAMBDA_API_KEY),
    tensordock: mode(config.TENSORDOCK_API_TOKEN),
  };
}

export interface Services {
  config: Config;
  log: Logger;
  db: Db;
  vault: Vault;
  identity: IdentityService;
  claim: ClaimService;
  licence: LicenceService;
  /** Renders chart.js configs to PNG: QuickChart when QUICKCHART_URL answers, offline otherwise. */
  charts: ChartRenderer;
  commands: CommandRegistry;
  dataDir: string;
  now: () => Date;
}

export interface AppOptions {
  log?: Logger;
  now?: () => Date;
  /** Tests sign licences with their own key pair. */
  licencePublicKey?: string;
  /** Tests may add commands of their own (each with its own option types, hence `any`). */
  commands?: readonly CommandDefinition<any>[];
  groups?: readonly CommandGroup[];
}

export interface App {
  services: Services;
  close(): Promise<void>;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  for (const secret of configSecrets(config)) registerSecret(secret);
  const log = options.log ?? createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, file: config.LOG_FILE });
  const now = options.now ?? (() => new Date());
  const dataDir = path.resolve(config.COMPUTEHUB_DATA_DIR);
  const db = await openDatabase(dataDir, now);
  const vault = await Vault.open({ secretKey: config.COMPUTEHUB_SECRET_KEY, dataDir });
  const identity = new IdentityService(db, now);
  await identity.ensureAdmins(config.COMPUTEHUB_ADMINS);
  const modes = providerModes(config);
  const licence = new LicenceService({
    db,
    publicKey: options.licencePublicKey ?? SHIPPED_LICENCE_PUBLIC_KEY,
    simulatorOnly: () => Object.values(modes).every((mode) => mode === 'simulated'),
    environmentKey: config.COMPUTEHUB_LICENCE_KEY,
    now,
  });
  const claim = new ClaimService(db, now);
  const charts = createChartRenderer({ quickchartUrl: config.QUICKCHART_URL, log: log.child({ service: 'charts' }) });
  const services = { config, log, db, vault, identity, claim, licence, charts, dataDir, now } as Services;
  services.commands = new CommandRegistry([...COMMANDS, ...(options.commands ?? [])], [...GROUPS, ...(options.groups ?? [])], services);
  return {
    services,
    async close() {
      await db.flush();
    },
  };
}
