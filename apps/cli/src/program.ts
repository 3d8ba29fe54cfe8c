import { Command } from 'commander';
import { registerAdminCommand } from './commands/admin';
import { registerDevCommand } from './commands/dev';
import { registerPlanCommand } from './commands/plan';
import { registerPluginCommand } from './commands/plugin';
import { registerRunCommand } from './commands/run';
import { registerValidateCommand } from './commands/validate';
import type { Output } from './output';

export function createProgram(output: Output): Command {
  const program = new Command()
    .name('warden')
    .description('Warden: durable, secure workflows on Temporal')
    .version('0.1.0')
    .showHelpAfterError('(run warden --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => output.out(text.replace(/\n$/, '')),
      writeErr: (text) => output.err(text.replace(/\n$/, '')),
    });
  registerValidateCommand(program, output);
  registerPlanCommand(program, output);
  registerRunCommand(program, output);
  registerDevCommand(program);
  registerAdminCommand(program, output);
  registerPluginCommand(program, output);
  return program;
}
