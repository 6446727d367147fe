// Where app secrets (Jupyter token, vLLM API key, code-server and SD WebUI passwords) go, shared by
// ssh, deploy and batch apply-template: only to devs and admins, and only privately. In a direct
// message they join the answer; in a shared channel the answer stays secret-free and they follow as a
// private reply (ephemeral, or a direct message). Viewers are told where the secret goes.
import type { CommandContext, OptionSpecs } from '#core/command.ts';
import type { Field, Reply } from '#core/reply.ts';
import { hasRole } from '#domain/roles.ts';
import { appAccess, hasAppSecret, type AppAccess } from '#services/fleet/records.ts';
import type { InstanceRecord } from '#store/fleet-schema.ts';
import { VaultError } from '#store/vault.ts';

const SECRET_TO_DEVS = 'The app secret goes to devs and admins privately (ssh <id>, answered in a direct message or only to them).';

interface Opened {
  record: InstanceRecord;
  access: AppAccess;
}

/** The answer about one instance, with its app secret for those who may have it. */
export function withAppSecret(context: CommandContext<OptionSpecs>, record: InstanceRecord, answer: Reply): Reply {
  return withAppSecrets(context, [record], answer);
}

/** The answer about several instances (a batch), with each one's app secret for those who may have it. */
export function withAppSecrets(context: CommandContext<OptionSpecs>, records: readonly InstanceRecord[], answer: Reply): Reply {
  const { db, vault } = context.services;
  const protectedRecords = records.filter((record) => hasAppSecret(db.data, record));
  if (protectedRecords.length === 0) return answer;
  const note = (text: string) => [answer.footer, text].filter(Boolean).join(' · ');
  if (!hasRole(context.role, 'dev')) return { ...answer, footer: note(SECRET_TO_DEVS.replace('<id>', protectedRecords.map((record) => record.id).join(', '))) };
  let opened: Opened[];
  try {
    opened = protectedRecords.map((record) => ({ record, access: appAccess(db.data, vault, record)! }));
  } catch (error) {
    // A changed master key must not cost the rest of the answer.
    if (error instanceof VaultError) return { ...answer, text: [answer.text, `The app secret cannot be shown: ${error.message}`].filter(Boolean).join('\n') };
    throw error;
  }
  const single = opened.length === 1 ? opened[0] : undefined;
  const fields = opened.flatMap(({ record, access }) => secretFields(access, single ? undefined : record.id));
  const data = single ? secretData(single.access) : { appSecrets: opened.map(({ record, access }) => ({ id: record.id, ...secretData(access) })) };
  if (context.channel.kind === 'direct') {
    const rest = (answer.fields ?? []).filter((field) => field.name !== 'Apps');
    return { ...answer, fields: [...fields, ...rest], data: { ...(answer.data as object), ...data } };
  }
  const privately: Reply = {
    kind: 'info',
    title: single ? `${single.record.id} (${single.record.name}): app secret, for you only` : 'App secrets, for you only',
    fields,
    footer: 'Keep it out of shared channels: anyone with it can use the app.',
    ephemeral: true,
    data: single ? { id: single.record.id, ...data } : data,
  };
  return { ...answer, footer: note('I sent you the app secret privately'), privateReply: privately };
}

/** 'Apps' and 'App secret' for one instance; 'i3 apps' and 'i3 app secret' when there are several. */
function secretFields(access: AppAccess, id: string | undefined): Field[] {
  const links = access.apps.map((app) => `${app.app}: ${app.url}`).join('\n');
  const uses = access.variables.length ? ` (the app reads it as ${access.variables.join(', ')})` : '';
  const secret: Field = { name: id ? `${id} app secret` : 'App secret', value: `${access.secret}${uses}` };
  return links ? [{ name: id ? `${id} apps` : 'Apps', value: links }, secret] : [secret];
}

function secretData(access: AppAccess) {
  return { apps: access.apps, appSecret: access.secret, appSecretVariables: access.variables };
}
