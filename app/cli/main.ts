// The `mtlc` dispatcher: one subcommand per module in ./commands, each exporting `summary` and `run(argv)`. The table
// is static (a bundler follows each literal import) and lazy (`mtlc status` does not load tfjs).
import { MtlcError } from '../../lib/errors.ts';
import { UsageError } from './usage.ts';

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const COMMANDS = {
  data: () => import('./commands/data.ts'),
  fit: () => import('./commands/fit.ts'),
  invoke: () => import('./commands/invoke.ts'),
  report: () => import('./commands/report.ts'),
  run: () => import('./commands/run.ts'),
  status: () => import('./commands/status.ts'),
  train: () => import('./commands/train.ts'),
} satisfies Record<string, () => Promise<Command>>;

type CommandName = keyof typeof COMMANDS;
const isCommand = (name: string): name is CommandName => Object.hasOwn(COMMANDS, name);

async function usage(): Promise<string> {
  const lines = ['usage: mtlc <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${(await load()).summary}`);
  lines.push('', 'Run `mtlc <command> --help` for the options of one command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name ? 0 : 2;
  }
  if (!isCommand(name)) {
    console.error(`mtlc: unknown command '${name}'\n\n${await usage()}`);
    return 2;
  }
  try {
    return await (await COMMANDS[name]()).run(rest);
  } catch (err) {
    // A flag's value (UsageError) or the flag parser (node:util parseArgs: an unknown flag, a missing value).
    if (err instanceof UsageError || String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`mtlc ${name}: ${(err as Error).message}\nRun \`mtlc ${name} --help\` for its options.`);
      return 2;
    }
    if (err instanceof MtlcError) {
      console.error(`mtlc ${name}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}
