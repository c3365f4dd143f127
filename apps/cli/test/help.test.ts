import { tinyCatalog } from '@dtrn/compare/testing';
import { describe, expect, it } from 'vitest';
import { createProgram, SUBCOMMANDS } from '../src/program.js';
import { captureStreams } from './helpers/capture.js';

async function run(args: string[]) {
  const streams = captureStreams();
  const { program } = createProgram({ streams, loadCatalog: async () => tinyCatalog() });
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  let exitCode = 0;
  try {
    await program.parseAsync(['node', 'dtrn', ...args]);
  } catch (error) {
    exitCode = (error as { exitCode?: number }).exitCode ?? -1;
  }
  return { exitCode, out: streams.out(), err: streams.err() };
}

describe('--help', () => {
  it('lists every subcommand', async () => {
    const { out, exitCode } = await run(['--help']);
    expect(exitCode).toBe(0);
    for (const name of SUBCOMMANDS) expect(out).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(out).toContain('Examples:');
  });

  it.each(SUBCOMMANDS)('%s --help shows usage, options and examples', async (name) => {
    const { out, exitCode } = await run([name, '--help']);
    expect(exitCode).toBe(0);
    expect(out).toContain(`Usage: dtrn ${name}`);
    expect(out).toContain('Examples:');
    expect(out).toMatch(new RegExp(`\\$ dtrn ${name} `));
  });

  it('documents the backends, progress modes and resume on the training commands', async () => {
    for (const name of ['train', 'compare']) {
      const out = (await run([name, '--help'])).out.replace(/\s+/g, ' ');
      expect(out).toContain('"auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"');
      expect(out).toContain('"auto", "bar", "plain", "quiet", "jsonl"');
      expect(out).toContain('--resume');
      expect(out).toContain('--out <dir>');
      expect(out).toContain('--config <file>');
    }
  });

  it('rejects a bad backend and an unknown option', async () => {
    const badBackend = await run(['compare', '--backend', 'gpu']);
    expect(badBackend.exitCode).toBe(1);
    expect(badBackend.err).toContain("option '--backend <name>' argument 'gpu' is invalid");
    const unknown = await run(['train', '--epoch', '3']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.err).toContain("unknown option '--epoch'");
    expect(unknown.err).toContain('--epochs');
  });

  it('prints the version', async () => {
    const { out } = await run(['--version']);
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
