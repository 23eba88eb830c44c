import type { Command } from 'commander';

/** Every command and sub-command, depth first, with its full name. */
function walk(cmd: Command, prefix: string[] = []): Array<{ name: string; cmd: Command }> {
  const out: Array<{ name: string; cmd: Command }> = [];
  for (const sub of cmd.commands) {
    const name = [...prefix, sub.name()];
    if (sub.name() === 'help') continue;
    out.push({ name: name.join(' '), cmd: sub });
    out.push(...walk(sub, name));
  }
  return out;
}

/** docs/commands.md, generated from the program itself so it cannot drift from the CLI. */
export function commandsMarkdown(program: Command): string {
  const parts = [
    '# Commands',
    '',
    'Generated from the CLI by `npm run docs`; do not edit by hand. The contract these commands',
    'keep (exit codes, JSON shapes, bundle layout) is summarised in the README.',
    '',
    '```',
    program.helpInformation().trimEnd(),
    '```',
  ];
  for (const { name, cmd } of walk(program)) {
    const help = cmd.helpInformation({ error: false }).trimEnd();
    const after = (cmd as unknown as { _afterHelp?: string })._afterHelp;
    parts.push('', `## sightline ${name}`, '', '```', help + (after ? `\n${after.trimEnd()}` : ''), '```');
  }
  return parts.join('\n') + '\n';
}
