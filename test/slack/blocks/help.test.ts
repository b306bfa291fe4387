import { describe, expect, it } from 'vitest';
import { helpMessage, unknownCommandMessage } from '#blocks/help.ts';
import { limitBreaches } from '#blocks/limits.ts';
import { COMMANDS, parseCommand } from '../../../src/slack/commands.ts';

describe('parseCommand', () => {
  it.each([
    ['', 'help'],
    ['help', 'help'],
    ['Help me', 'help'],
    ['scan', 'command'],
    ['  SCAN  now', 'command'],
    ['nuke', 'unknown'],
  ])('%j is %s', (text, kind) => {
    expect(parseCommand(text).kind).toBe(kind);
  });

  it('keeps the arguments and the unknown word as typed', () => {
    expect(parseCommand('build fs-123 --dry-run')).toMatchObject({
      kind: 'command',
      command: { name: 'build' },
      args: ['fs-123', '--dry-run'],
    });
    expect(parseCommand('Frobnicate x')).toEqual({ kind: 'unknown', given: 'Frobnicate' });
  });
});

describe('help builders', () => {
  it('list every command within limits and mark the unavailable ones as coming', () => {
    const help = helpMessage('/efs-encrypt', COMMANDS);
    expect(limitBreaches(help.blocks)).toEqual([]);
    const shown = JSON.stringify(help.blocks);
    expect(shown).toContain('`/efs-encrypt scan [account-id…] [region…]`: Inventory');
    expect(shown).toContain('`/efs-encrypt export [scan-id]`: Upload the inventory');
    expect(shown).toContain('`/efs-encrypt build <file-system-id>|all`: Create');
    expect(shown).toContain('`/efs-encrypt status [file-system-id]`: Show where');
    expect(shown).toContain('`/efs-encrypt validate`: Build the validation report');
    expect(shown).toContain('`/efs-encrypt digest`: Post the digest here now');
    expect(shown).not.toContain('(coming)');
    const later = helpMessage('/efs-encrypt', [
      ...COMMANDS,
      { name: 'later', usage: 'later', description: 'Not yet.', available: false },
    ]);
    expect(JSON.stringify(later.blocks)).toContain('`/efs-encrypt later` _(coming)_');
  });

  it('quote an unknown word safely', () => {
    const m = unknownCommandMessage('/efs-encrypt', '<!here>`x', COMMANDS);
    expect(m.text).toContain("`&lt;!here&gt;'x`");
    expect(limitBreaches(m.blocks)).toEqual([]);
  });
});
