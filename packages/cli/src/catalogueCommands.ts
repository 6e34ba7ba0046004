import type { Command } from 'commander';
import type { ActionsFlags } from './commands/actions.js';
import type { PermissionsFlags } from './commands/permissions.js';
import type { CliContext } from './context.js';
import type { ProgramResult } from './program.js';

/**
 * Registers the commands that describe the installed actions rather than run a playbook:
 * `firstline permissions` (a playbook's IAM policy) and `firstline actions` (the catalogue).
 */
export function addCatalogueCommands(program: Command, ctx: CliContext, result: ProgramResult): void {
  program
    .command('permissions')
    .description('print the least-privilege IAM policy (JSON) a playbook needs, from the actions it calls')
    .argument('<playbook>', 'the playbook file')
    .option(
      '--shadow',
      'only what shadow mode needs: probes, the reads plans make, secrets; nothing that changes',
    )
    .option('--account <id>', 'the AWS account id written into ARNs (default *)')
    .option('--region <region>', 'the region written into ARNs (default AWS_REGION, then *)')
    .addHelpText(
      'after',
      `
Resources are scoped where the playbook's input allows: a literal instance id is its ARN, a {{ }} value
every resource of that type; ssm: and secretsManager: secrets add reading exactly those. Steps that need
no IAM (HTTP, SSH, Slack, OpsGenie…) are listed on stderr; stdout stays a valid policy document.

Example:
  $ firstline permissions ec2-first-line.yaml --account 123456789012 --region eu-west-1 > policy.json
  $ aws iam create-policy --policy-name ec2-first-line --policy-document file://policy.json`,
    )
    .action(async (file: string, flags: PermissionsFlags) => {
      // Each command's module is imported when it runs (as in program.ts).
      const { permissionsCommand } = await import('./commands/more.js');
      result.exit = await permissionsCommand(file, flags, ctx);
    });

  program
    .command('actions')
    .description('list the installed actions, or show one: inputs, outputs, IAM permissions, an example step')
    .argument('[id]', 'an action id, e.g. aws.ec2.reboot')
    .option('--json', 'print as JSON')
    .option('--markdown', 'print as Markdown (the actions reference)')
    .addHelpText('after', '\nExample:\n  $ firstline actions\n  $ firstline actions aws.ec2.reboot')
    .action(async (id: string | undefined, flags: ActionsFlags) => {
      const { actionsCommand } = await import('./commands/more.js');
      result.exit = actionsCommand(id, flags, ctx);
    });
}
