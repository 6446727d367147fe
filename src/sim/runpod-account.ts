// RunPod's REST v2 account routes, as its own clients call them (runpod-python, the RunPod MCP server;
// schema: https://api.runpod.io/v2/openapi.json): pod templates, the account's SSH keys and billing
// (runpod-billing.ts). Bodies are checked by runpod-v2-rules.ts first.
import { isRecord, type Answer, type RequestContext, type RouteOf } from './http.ts';
import { alnumId } from './random.ts';
import { runpodBilling } from './runpod-billing.ts';
import type { RunpodState, RunpodTemplate } from './runpod-pods.ts';
import { problem, sshKeysProblem, templateProblem } from './runpod-v2-rules.ts';

const notFound = (what: string, id: string) => problem(404, 'Not Found', `${what} ${id} not found`);

function templateView(template: RunpodTemplate) {
  return { ...template, mounts: template.mounts ?? {} };
}

/** Stores a template from a checked body; on update, what the body leaves out keeps its previous value. */
function saveTemplate({ templates }: RunpodState, id: string, body: Record<string, unknown>, previous?: RunpodTemplate): RunpodTemplate {
  const template: RunpodTemplate = {
    id,
    name: (body.name as string | undefined) ?? previous!.name,
    image: (body.image as string | undefined) ?? previous!.image,
    args: (body.args as string | undefined) ?? previous?.args ?? '',
    disk: (body.disk as number | undefined) ?? previous?.disk ?? 50,
    mounts: isRecord(body.mounts) && isRecord(body.mounts.persistent) ? { persistent: body.mounts.persistent as { size: number; path: string } } : (previous?.mounts ?? {}),
    ports: (body.ports as string[] | undefined) ?? previous?.ports ?? [],
    env: (body.env as Record<string, string> | undefined) ?? previous?.env ?? {},
    registry: (body.registry as string | null | undefined) ?? previous?.registry ?? null,
    serverless: (body.serverless as boolean | undefined) ?? previous?.serverless ?? false,
    public: (body.public as boolean | undefined) ?? previous?.public ?? false,
    category: (body.category as RunpodTemplate['category'] | undefined) ?? previous?.category ?? 'NVIDIA',
  };
  templates.set(id, template);
  return template;
}

function createTemplate(state: RunpodState, context: RequestContext): Answer {
  return templateProblem(context.body, true) ?? { status: 201, json: templateView(saveTemplate(state, alnumId(state.templateIds, 10), context.body as Record<string, unknown>)) };
}

function getTemplate({ templates }: RunpodState, context: RequestContext): Answer {
  const template = templates.get(context.params.id!);
  return template ? { status: 200, json: templateView(template) } : notFound('template', context.params.id!);
}

function updateTemplate(state: RunpodState, context: RequestContext): Answer {
  const previous = state.templates.get(context.params.id!);
  if (!previous) return notFound('template', context.params.id!);
  return templateProblem(context.body, false) ?? { status: 200, json: templateView(saveTemplate(state, previous.id, context.body as Record<string, unknown>, previous)) };
}

function putSshKeys({ accountKeys }: RunpodState, context: RequestContext): Answer {
  const refused = sshKeysProblem(context.body);
  if (refused) return refused;
  // PUT replaces the whole list: that is how RunPod's API works (there is no call for one key).
  accountKeys.splice(0, accountKeys.length, ...((context.body as { keys: string[] }).keys.map((key) => key.trim())));
  return { status: 200, json: { keys: [...accountKeys] } };
}

export const ACCOUNT_ROUTES: RouteOf<RunpodState>[] = [
  { method: 'GET', path: '/v2/templates', endpoint: 'other', handle: ({ templates }) => ({ status: 200, json: { templates: [...templates.values()].map(templateView) } }) },
  { method: 'POST', path: '/v2/templates', endpoint: 'other', handle: createTemplate },
  { method: 'GET', path: '/v2/templates/:id', endpoint: 'other', handle: getTemplate },
  { method: 'PATCH', path: '/v2/templates/:id', endpoint: 'other', handle: updateTemplate },
  { method: 'DELETE', path: '/v2/templates/:id', endpoint: 'other', handle: ({ templates }, context) => (templates.delete(context.params.id!) ? { status: 204 } : notFound('template', context.params.id!)) },
  { method: 'GET', path: '/v2/account/ssh-keys', endpoint: 'sshKeys', handle: ({ accountKeys }) => ({ status: 200, json: { keys: [...accountKeys] } }) },
  { method: 'PUT', path: '/v2/account/ssh-keys', endpoint: 'sshKeys', handle: putSshKeys },
  { method: 'GET', path: '/v2/billing', endpoint: 'account', handle: ({ market }, context) => runpodBilling(market, context) },
];
