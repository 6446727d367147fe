// Every command, in the order help lists them. A new command is one file here plus one line below.
import type { CommandDefinition, CommandGroup, OptionSpecs } from '../src/core/command.ts';
import { audit } from './audit.ts';
import { cancel } from './cancel.ts';
import { claim } from './claim.ts';
import { help } from './help.ts';
import { licenceActivate, licenceGroup, licenceStatus } from './licence.ts';
import { orgBind, orgGroup, orgInfo, orgUnbind } from './org.ts';
import { whoami } from './whoami.ts';

export const GROUPS: readonly CommandGroup[] = [licenceGroup, orgGroup];

export const COMMANDS = [help, whoami, claim, orgInfo, orgBind, orgUnbind, licenceStatus, licenceActivate, audit, cancel] as unknown as readonly CommandDefinition<OptionSpecs>[];
