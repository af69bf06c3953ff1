// The `mtlc` dispatcher: each file in ./commands is one subcommand exporting `summary` and `run(argv)`.
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import { MtlcError } from '../../lib/errors.ts';

export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

const commandsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function load(name: string): Promise<Command> {
  return (await import(pathToFileURL(path.join(commandsDir, `${name}.ts`)).href)) as Command;
}

async function usage(): Promise<string> {
  const lines = ['usage: mtlc <command> [options]', '', 'commands:'];
  for (const name of commandNames()) lines.push(`  ${name.padEnd(10)} ${(await load(name)).summary}`);
  lines.push('', 'Run `mtlc <command> --help` for the options of one command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name ? 0 : 2;
  }
  if (!commandNames().includes(name)) {
    console.error(`mtlc: unknown command '${name}'\n\n${await usage()}`);
    return 2;
  }
  try {
    return await (await load(name)).run(rest);
  } catch (err) {
    if (err instanceof MtlcError) {
      console.error(`mtlc ${name}: ${err.message}`);
      return 1;
    }
    // node:util parseArgs: an unknown flag or a missing value is a usage error, for every command alike.
    if (String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      console.error(`mtlc ${name}: ${(err as Error).message}\nRun \`mtlc ${name} --help\` for its options.`);
      return 2;
    }
    throw err;
  }
}
