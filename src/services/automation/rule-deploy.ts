// A rule's `deploy <options>`: the options (checked against the deploy command's own definition when
// the rule was added) become a deploy request billed to the rule (`rule:r1`), run in the background
// under a fresh token. The rule never targets what it deployed (the evaluator's offspring guard), the
// org's hourly budget counts it, and one rule runs one deploy at a time.
import { DURATION_SECONDS, type RuleAction } from '#domain/rules/index.ts';
import { formatUsd, usdToMicros } from '#domain/ledger.ts';
import { newDeployToken, type DeployRequest } from '../fleet/deploy-plan.ts';
import { findProject } from '../projects.ts';
import { setTimeLimit } from './time-limits.ts';
import { auditAction, errorText, recordEvent, runInBackground, type AutomationContext } from './context.ts';
import type { EventChannel } from '#store/automation-schema.ts';

type DeployOptions = (RuleAction & { type: 'deploy' })['options'];

const seconds = (text: string) => Number(text.slice(0, -1)) * DURATION_SECONDS[text.slice(-1).toLowerCase() as keyof typeof DURATION_SECONDS];

/** The deploy request a rule's options describe, and its time limit if it set one. */
function requestOf(context: AutomationContext, orgId: string, ruleId: string, options: DeployOptions): { request: DeployRequest; limit?: { action: 'stop' | 'destroy'; after: string } } {
  const value = (key: string) => options.find((option) => option.key.toLowerCase() === key)?.value;
  const number = (key: string) => (value(key) === undefined ? undefined : Number(value(key)));
  const org = context.db.data.orgs.find((candidate) => candidate.id === orgId)!;
  const project = value('project');
  const request: DeployRequest = {
    orgId,
    projectId: project ? findProject(context.db.data, orgId, project).id : org.defaultProjectId,
    actor: `rule:${ruleId}`,
    templateId: value('template') ?? 'pytorch',
    gpu: value('gpu'),
    gpuCount: number('count'),
    provider: value('provider'),
    image: value('image'),
    diskGb: number('disk'),
    name: value('name'),
    bidPerHour: number('bid'),
    token: newDeployToken(),
  };
  const stopAfter = value('stop-after');
  const destroyAfter = value('destroy-after');
  const after = stopAfter ?? destroyAfter;
  return { request, ...(after && { limit: { action: stopAfter ? 'stop' : 'destroy', after } }) };
}

/** Starts the deploy in the background; returns why it could not start, if it could not. */
export function startRuleDeploy(context: AutomationContext, orgId: string, ruleId: string, options: DeployOptions, channel: EventChannel | null): string | undefined {
  const key = `${orgId}/rule:${ruleId}`;
  if (context.background.has(key)) return 'its previous deploy is still under way';
  const { request, limit } = requestOf(context, orgId, ruleId, options);
  const line = `deploy ${options.map((option) => `${option.key}=${option.value}`).join(' ')}`;
  const by = `rule:${ruleId}`;
  const { deployments } = context.fleet;
  const work = deployments.deploy(orgId, request.token!, () => deployments.plan(request), async () => undefined);
  runInBackground(context, key, work, {
    async done(record) {
      if (record.phase !== 'ready') throw new Error(`the machine did not come up: ${record.failure ?? record.status}`);
      if (limit) await setTimeLimit(context, orgId, record.id, { ...limit, seconds: seconds(limit.after), createdBy: by, channel });
      await auditAction(context, orgId, by, line);
      const limited = limit ? `; it is ${limit.action === 'stop' ? 'stopped' : 'destroyed'} after ${limit.after}` : '';
      await recordEvent(context, { orgId, kind: 'rule-fired', ruleId, instanceId: record.id, action: 'deploy', result: 'ok', message: `deployed ${record.id} on ${record.provider} (${record.gpu}) at ${formatUsd(usdToMicros(record.pricePerHour))}/h${limited}.` }, channel);
    },
    async failed(error) {
      await auditAction(context, orgId, by, line, errorText(error));
      await recordEvent(context, { orgId, kind: 'action-failed', ruleId, action: 'deploy', result: 'failed', message: `deploy failed: ${errorText(error)}` }, channel);
    },
  });
  return undefined;
}
