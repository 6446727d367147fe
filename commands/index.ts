// Every command, in the order help lists them. A new command is one file here plus one line below.
import type { CommandDefinition, CommandGroup, OptionSpecs } from '../src/core/command.ts';
import { audit } from './audit.ts';
import { cancel } from './cancel.ts';
import { help } from './help.ts';
import { licenceActivate, licenceGroup, licenceStatus } from './licence.ts';
import { whoami } from './whoami.ts';

export const GROUPS: readonly CommandGroup[] = [licenceGroup];

export const COMMANDS = [help, whoami, licenceStatus, licenceActivate, audit, cancel] as unknown as readonly CommandDefinition<OptionSpecs>[];
