// Every command, in the order help lists them. A new command is one file here plus one line below.
import type { CommandDefinition, CommandGroup, OptionSpecs } from '#core/command.ts';
import { audit } from './audit.ts';
import { cancel } from './cancel.ts';
import { claim } from './claim.ts';
import { help } from './help.ts';
import { licenceActivate, licenceGroup, licenceStatus } from './licence.ts';
import { orgBind, orgCreate, orgGroup, orgInfo, orgList, orgUnbind, orgUse } from './org.ts';
import { providerAdd, providerGroup, providerList, providerRemove, providerTest } from './provider.ts';
import { whoami } from './whoami.ts';
import { templateAdd, templateGroup, templateList, templateRemove, templateShow } from './template.ts';
import { deploy } from './deploy.ts';
import { instances } from './instances.ts';
import { ssh } from './ssh.ts';
import { destroy, restart, start, stop } from './lifecycle.ts';
import { cost } from './cost.ts';
import { projectCreate, projectGroup, projectList, projectUse } from './project.ts';
import { memberAdd, memberGroup, memberList, memberRemove, memberRole } from './member.ts';
import { batchApplyTemplate, batchDestroy, batchGroup, batchRestart, batchStart, batchStop } from './batch.ts';
import { pricesGroup, pricesSearch } from './prices.ts';
import { pricesHistory } from './prices-history.ts';
import { gpus } from './gpus.ts';
import { events } from './events.ts';
import { ruleAdd, ruleBacktest, ruleGroup, ruleList, rulePause, ruleRemove, ruleResume, ruleShow, ruleTest } from './rule.ts';
import { unwatch, watch } from './watch.ts';
import { cap, uncap } from './cap.ts';
import { alertGroup, alertList, alertPrice, alertRemove } from './alert.ts';
import { idleAdd, idleGroup, idleList, idleRemove, unidle } from './idle.ts';
import { monitor } from './monitor.ts';
import { leaks } from './leaks.ts';
import { notifyAdd, notifyGroup, notifyList, notifyRemove, notifyStatus, notifyTest } from './notify.ts';
import { mute, unmute } from './mute.ts';
import { digestAdd, digestGroup, digestList, digestRemove } from './digest.ts';

export const GROUPS: readonly CommandGroup[] = [licenceGroup, orgGroup, providerGroup, templateGroup, projectGroup, memberGroup, batchGroup, pricesGroup, ruleGroup, idleGroup, alertGroup, notifyGroup, digestGroup];

export const COMMANDS = [help, whoami, claim, orgInfo, orgList, orgUse, orgCreate, orgBind, orgUnbind, providerList, providerAdd, providerTest, providerRemove, pricesSearch, pricesHistory, gpus, deploy, instances, ssh, start, stop, restart, destroy, cost, monitor, leaks, templateList, templateShow, templateAdd, templateRemove, projectList, projectCreate, projectUse, memberList, memberAdd, memberRole, memberRemove, batchStop, batchStart, batchRestart, batchDestroy, batchApplyTemplate, watch, unwatch, cap, uncap, idleAdd, idleList, idleRemove, unidle, alertPrice, alertList, alertRemove, ruleAdd, ruleList, ruleShow, ruleTest, ruleBacktest, rulePause, ruleResume, ruleRemove, events, digestAdd, digestList, digestRemove, notifyAdd, notifyList, notifyTest, notifyRemove, notifyStatus, mute, unmute, licenceStatus, licenceActivate, audit, cancel] as unknown as readonly CommandDefinition<OptionSpecs>[];
