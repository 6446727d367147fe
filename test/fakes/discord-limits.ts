// What the real Discord API refuses, checked by the fake: application command definitions and
// message payloads. Each check returns the problems found (empty when Discord would accept it).
// Sources: https://discord.com/developers/docs/interactions/application-commands and
// https://discord.com/developers/docs/resources/message (limits as of API v10).

type Json = Record<string, any>;

const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;
const BASIC_TYPES = new Set([3, 4, 5, 6, 7, 8, 9, 10, 11]);

function checkOptions(options: Json[], path: string, problems: string[], depth: number): number {
  let size = 0;
  if (options.length > 25) problems.push(`${path}: more than 25 options`);
  const names = new Set<string>();
  let sawOptional = false;
  const subcommands = options.filter((option) => option.type === 1 || option.type === 2).length;
  if (subcommands > 0 && subcommands !== options.length) problems.push(`${path}: subcommands cannot be mixed with other options`);
  for (const [index, option] of options.entries()) {
    const where = `${path}.options[${index}]`;
    size += checkNamed(option, where, problems);
    if (names.has(option.name)) problems.push(`${where}: duplicate option name ${option.name}`);
    names.add(option.name);
    if (option.type === 1 || option.type === 2) {
      if (depth >= 2 || (option.type === 2 && depth >= 1)) problems.push(`${where}: subcommands nested too deep`);
      size += checkOptions(option.options ?? [], where, problems, depth + 1);
      continue;
    }
    if (!BASIC_TYPES.has(option.type)) problems.push(`${where}: unknown option type ${option.type}`);
    if (option.required) {
      if (sawOptional) problems.push(`${where}: required options must be placed before non-required options`);
    } else sawOptional = true;
    const choices: Json[] = option.choices ?? [];
    if (choices.length > 25) problems.push(`${where}: more than 25 choices`);
    if (choices.length && option.autocomplete) problems.push(`${where}: autocomplete cannot be set with choices`);
    if (option.autocomplete && ![3, 4, 10].includes(option.type)) problems.push(`${where}: autocomplete only on string, integer and number options`);
    for (const choice of choices) {
      if (typeof choice.name !== 'string' || choice.name.length < 1 || choice.name.length > 100) problems.push(`${where}: choice name must be 1-100 characters`);
      if (String(choice.value).length > 100) problems.push(`${where}: choice value over 100 characters`);
      size += String(choice.name).length + String(choice.value).length;
    }
  }
  return size;
}

function checkNamed(item: Json, where: string, problems: string[]): number {
  if (typeof item.name !== 'string' || !NAME.test(item.name) || item.name !== item.name.toLowerCase()) problems.push(`${where}: invalid name '${item.name}'`);
  if (typeof item.description !== 'string' || item.description.length < 1 || item.description.length > 100) problems.push(`${where}: description must be 1-100 characters`);
  return String(item.name ?? '').length + String(item.description ?? '').length;
}

/** Problems with a bulk-overwrite body (PUT .../commands). */
export function commandProblems(body: unknown, guildScoped: boolean): string[] {
  const problems: string[] = [];
  if (!Array.isArray(body)) return ['body must be an array of commands'];
  if (body.length > 100) problems.push('more than 100 chat input commands');
  const names = new Set<string>();
  for (const [index, command] of (body as Json[]).entries()) {
    const where = `[${index}]`;
    if ((command.type ?? 1) !== 1) continue;
    if (names.has(command.name)) problems.push(`${where}: duplicate command name ${command.name}`);
    names.add(command.name);
    const size = checkNamed(command, where, problems) + checkOptions(command.options ?? [], where, problems, 0);
    if (size > 4000) problems.push(`${where}: names, descriptions and choices total ${size} characters (over 4000)`);
    if (guildScoped && (command.contexts || command.integration_types)) problems.push(`${where}: contexts and integration_types are for global commands only`);
  }
  return problems;
}

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** Problems with a message body (create, edit, interaction response, follow-up). */
export function messageProblems(data: Json, files: UploadedFile[], creating: boolean): string[] {
  const problems: string[] = [];
  const content = data.content ?? '';
  if (typeof content === 'string' && content.length > 2000) problems.push(`content: must be 2000 or fewer in length (got ${content.length})`);
  const embeds: Json[] = data.embeds ?? [];
  if (embeds.length > 10) problems.push('embeds: at most 10');
  let total = 0;
  const uploaded = new Set(files.map((file) => file.filename));
  for (const [index, embed] of embeds.entries()) {
    const where = `embeds[${index}]`;
    const limit = (value: unknown, max: number, what: string) => {
      if (typeof value === 'string') {
        if (value.length > max) problems.push(`${where}.${what}: must be ${max} or fewer in length (got ${value.length})`);
        total += value.length;
      }
    };
    limit(embed.title, 256, 'title');
    limit(embed.description, 4096, 'description');
    limit(embed.footer?.text, 2048, 'footer.text');
    limit(embed.author?.name, 256, 'author.name');
    const fields: Json[] = embed.fields ?? [];
    if (fields.length > 25) problems.push(`${where}.fields: at most 25`);
    for (const field of fields) {
      if (!field.name || !field.value) problems.push(`${where}.fields: name and value are required`);
      limit(field.name, 256, 'fields.name');
      limit(field.value, 1024, 'fields.value');
    }
    const image: string | undefined = embed.image?.url;
    if (image?.startsWith('attachment://') && creating && !uploaded.has(image.slice('attachment://'.length))) problems.push(`${where}.image: ${image} is not among the uploaded files`);
  }
  if (total > 6000) problems.push(`embeds: total size ${total} exceeds 6000`);
  const rows: Json[] = data.components ?? [];
  if (rows.length > 5) problems.push('components: at most 5 action rows');
  const ids = new Set<string>();
  for (const [index, row] of rows.entries()) {
    if (row.type !== 1) problems.push(`components[${index}]: top-level components must be action rows`);
    const buttons: Json[] = row.components ?? [];
    if (buttons.length < 1 || buttons.length > 5) problems.push(`components[${index}]: an action row holds 1-5 buttons`);
    for (const button of buttons) {
      if (button.type !== 2) continue;
      if (![1, 2, 3, 4, 5].includes(button.style)) problems.push(`components[${index}]: invalid button style ${button.style}`);
      if (typeof button.label === 'string' && button.label.length > 80) problems.push(`components[${index}]: label over 80 characters`);
      if (button.style !== 5) {
        if (typeof button.custom_id !== 'string' || button.custom_id.length < 1 || button.custom_id.length > 100) problems.push(`components[${index}]: custom_id must be 1-100 characters (got ${String(button.custom_id).length})`);
        if (ids.has(button.custom_id)) problems.push(`components[${index}]: custom_id ${button.custom_id} is not unique in the message`);
        ids.add(button.custom_id);
      }
    }
  }
  for (const attachment of (data.attachments ?? []) as Json[]) {
    if (!files.some((file) => file.field === `files[${attachment.id}]`)) problems.push(`attachments: id ${attachment.id} has no files[${attachment.id}] part`);
  }
  if (creating && !content && embeds.length === 0 && rows.length === 0 && files.length === 0) problems.push('Cannot send an empty message');
  return problems;
}
