// Builds the services every entry point shares (the bot, the CLI, tests) from a Config.
import path from 'node:path';
import type { Config } from './config.ts';
import { configSecrets } from './config.ts';
import type { RateLimit } from '#core/bounds.ts';
import { CommandRegistry } from '#core/registry.ts';
import type { CommandDefinition, CommandGroup } from '#core/command.ts';
import { createLogger, registerSecret, type Logger } from './log.ts';
import { openDatabase, type Db } from '#store/db.ts';
import { Vault } from '#store/vault.ts';
import { sealClearSecrets } from '#store/seal-secrets.ts';
import { IdentityService } from '#services/identity.ts';
import { ClaimService } from '#services/claim.ts';
import { ConfirmationService } from '#services/confirmations.ts';
import { LicenceService, SHIPPED_LICENCE_PUBLIC_KEY } from '#services/licence.ts';
import { createChartRenderer, type ChartRenderer } from '#services/charts/index.ts';
import { createFleetService, type FleetService, type ProvidersFor } from '#services/fleet/index.ts';
import type { FleetTiming } from '#services/fleet/context.ts';
import { createMarketService, type MarketService } from '#services/market/index.ts';
import { ProviderService } from '#services/providers.ts';
import { AutomationService } from '#services/automation/index.ts';
import { MonitoringService } from '#services/monitoring/index.ts';
import { AlertService } from '#services/alerts/index.ts';
import { createAlertPictures } from '#services/alerts/alert-renderer.ts';
import { DigestService } from '#services/digests/index.ts';
import { createProviderAdapter, type AdapterOptions } from '#providers/index.ts';
import type { ProviderName } from '#domain/providers.ts';
import { COMMANDS, GROUPS } from '#commands/index.ts';

export interface Services {
  config: Config;
  log: Logger;
  db: Db;
  vault: Vault;
  identity: IdentityService;
  claim: ClaimService;
  licence: LicenceService;
  /** Which provider adapters each org uses (keys from chat or .env, or the simulator). */
  providers: ProviderService;
  /** Renders chart.js configs to PNG: QuickChart when QUICKCHART_URL answers, offline otherwise. */
  charts: ChartRenderer;
  /** Deploy, sync and lifecycle of instances across providers. */
  fleet: FleetService;
  /** Live offers across providers (cached, ranked) and price history. */
  market: MarketService;
  /** Pending confirmations: what each preview pinned, carried out at most once before it expires. */
  confirmations: ConfirmationService;
  /** Pro automation: watches and rules evaluated after every sync, their events. */
  automation: AutomationService;
  /** GPU metrics and cost over time, charted per instance or for the running fleet. */
  monitoring: MonitoringService;
  /** Pro alerts: events grouped the Alertmanager way, delivered through an outbox to the notify channels. */
  alerts: AlertService;
  /** Scheduled digests (cost, automation events, money leaks) posted to the chat each was added in. */
  digests: DigestService;
  commands: CommandRegistry;
  dataDir: string;
  now: () => Date;
}

// Handlers see every service through their context; core declares only the name (src/core/command.ts).
declare module './core/command.ts' {
  interface CommandServices extends Services {}
}

export interface AppOptions {
  log?: Logger;
  now?: () => Date;
  /** Tests sign licences with their own key pair. */
  licencePublicKey?: string;
  /** Tests may add commands of their own (each with its own option types, hence `any`). */
  commands?: readonly CommandDefinition<any>[];
  groups?: readonly CommandGroup[];
  /** Base URLs of a running marketplace simulator: orgs without a real key use it. */
  simulatorUrls?: Record<ProviderName, string>;
  /** Tests shrink the providers' pacing and retry waits. */
  providerTuning?: Partial<AdapterOptions>;
  /** Tests bind adapters aimed at the simulator instead of services.providers. */
  providersFor?: ProvidersFor;
  /** Tests poll deploys faster. */
  fleetTiming?: Partial<FleetTiming>;
  /** Tests put a failing disk under the database here. */
  storeWriteFile?: (file: string, text: string) => Promise<void>;
  /** Tests in which one person drives a whole suite within seconds raise the per-person burst. */
  rateLimit?: Partial<RateLimit>;
}

export interface App {
  services: Services;
  close(): Promise<void>;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  for (const secret of configSecrets(config)) registerSecret(secret);
  const log = options.log ?? createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, file: config.LOG_FILE });
  const now = options.now ?? (() => new Date());
  const { db, vault, dataDir } = await openStorage(config, options, log, now);
  const identity = new IdentityService(db, now);
  await identity.ensureAdmins(config.COMPUTEHUB_ADMINS);
  const providers = new ProviderService({
    config,
    db,
    vault,
    log: log.child({ service: 'providers' }),
    createAdapter: (name, adapterOptions) => createProviderAdapter(name, { ...adapterOptions, ...options.providerTuning }),
    simulatorUrls: options.simulatorUrls,
    now,
  });
  const providersFor: ProvidersFor = options.providersFor ?? ((orgId) => providers.forOrg(orgId));
  const licence = new LicenceService({
    db,
    vault,
    publicKey: options.licencePublicKey ?? SHIPPED_LICENCE_PUBLIC_KEY,
    simulatorOnly: () => providers.simulatorOnly(),
    environmentKey: config.COMPUTEHUB_LICENCE_KEY,
    now,
  });
  const claim = new ClaimService(db, now);
  const charts = createChartRenderer({ quickchartUrl: config.QUICKCHART_URL, log: log.child({ service: 'charts' }) });
  const confirmations = new ConfirmationService(db, now, config.CONFIRM_TIMEOUT_SECONDS * 1000);
  const services = { config, log, db, vault, identity, claim, licence, providers, charts, confirmations, dataDir, now } as Services;
  await addFleetAndMarket(services, providersFor, options);
  services.automation = await AutomationService.open({ db, fleet: services.fleet, market: services.market, identity, log: log.child({ service: 'automation' }), now, dataDir });
  services.monitoring = new MonitoringService({ db, charts, log: log.child({ service: 'monitoring' }), now });
  addAlertsAndDigests(services, providersFor);
  services.commands = new CommandRegistry([...COMMANDS, ...(options.commands ?? [])], [...GROUPS, ...(options.groups ?? [])], services, options.rateLimit);
  return {
    services,
    async close() {
      services.fleet.close();
      services.alerts.close();
      services.digests.stop();
      await Promise.all([db.flush(), db.series.flush(), services.market.history.flush(), services.automation.close()]);
    },
  };
}

/** The database (validated, migrated, retention applied) and the vault, with any clear-text secret sealed. */
async function openStorage(config: Config, options: AppOptions, log: Logger, now: () => Date): Promise<{ db: Db; vault: Vault; dataDir: string }> {
  const dataDir = path.resolve(config.COMPUTEHUB_DATA_DIR);
  const db = await openDatabase(dataDir, now, {
    retention: { metricsDays: config.METRICS_RETENTION_DAYS, metricsHourlyDays: config.METRICS_HOURLY_RETENTION_DAYS, auditDays: config.AUDIT_RETENTION_DAYS, ledgerDays: config.LEDGER_RETENTION_DAYS },
    report: (problem) => log.warn({ service: 'store' }, problem),
    writeFile: options.storeWriteFile,
  });
  const vault = await Vault.open({ secretKey: config.COMPUTEHUB_SECRET_KEY, dataDir });
  await sealClearSecrets(db, vault);
  return { db, vault, dataDir };
}

async function addFleetAndMarket(services: Services, providersFor: ProvidersFor, options: AppOptions): Promise<void> {
  const { config, db, vault, log, now, licence, dataDir } = services;
  services.fleet = createFleetService({
    db,
    vault,
    log: log.child({ service: 'fleet' }),
    now,
    licence,
    providersFor,
    sshPublicKey: config.SSH_PUBLIC_KEY,
    // The market is built just below; by the time anyone deploys it is there.
    cachedOffer: (orgId, reference) => services.market.findOffer(orgId, reference),
    timing: { deployTimeoutMs: config.DEPLOY_TIMEOUT_SECONDS * 1000, ...options.fleetTiming },
  });
  services.market = await createMarketService({
    config,
    dataDir,
    log: log.child({ service: 'market' }),
    providers: providersFor,
    now: () => now().getTime(),
  });
}

/** Alerts hear automation events and deploy outcomes; digests read the fleet and the events. */
function addAlertsAndDigests(services: Services, providersFor: ProvidersFor): void {
  const { config, db, vault, log, now, licence, charts } = services;
  const licenceExpiry = () => {
    const check = licence.check();
    return check?.valid ? check.licence.expiresAt : undefined;
  };
  const alertLog = log.child({ service: 'alerts' });
  const pictures = createAlertPictures({
    db,
    history: services.market.history,
    simulatedMarket: (orgId) => providersFor(orgId).some((provider) => provider.mode === 'simulated'),
    priceFreshMs: config.PRICES_TTL_SECONDS * 2000,
    charts,
    log: alertLog,
    now,
  });
  services.alerts = new AlertService({ config, db, vault, ...pictures, log: alertLog, now, licenceExpiry });
  services.automation.onEvent((event) => services.alerts.hear(event));
  services.fleet.deployments.outcomeListeners.push((record) => services.alerts.deployOutcome(record));
  services.digests = new DigestService({ db, fleet: services.fleet.context, charts, events: services.automation.events, log: log.child({ service: 'digests' }), now });
}
