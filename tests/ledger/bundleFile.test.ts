/**
 * Reading a bundle file with its artifacts streamed gives the same verdict as parsing the
 * whole text, for genuine bundles and for the odd spellings JSON allows or an attacker tries.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createExportBundle, verifyBundle } from '../../src-main/ledger/index';
import { BundleScanner, readBundleFile, streamedArtifact } from '../../src-main/ledger/bundleFile';
import { Runtime, createWorkflowRegistry } from '../../src-main/runtime/index';
import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { toolApprovalWorkflow } from '../../src-main/workflows/toolApproval';
import { stringifyExact } from '../../src-shared/exactJson';

const dir = mkdtempSync(join(tmpdir(), 'ar-bundle-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function genuine(): Promise<string> {
  const store = new MemoryStore();
  const runtime = new Runtime({ store, artifacts: store, workflows: createWorkflowRegistry([toolApprovalWorkflow]) });
  const state = await runtime.start('examples.toolapproval', { notes: ['?'.repeat(100_000)] });
  return stringifyExact(createExportBundle(store, state.run_id));
}

let n = 0;
async function bothWays(text: string) {
  const file = join(dir, `b${n++}.json`);
  writeFileSync(file, text);
  const streamed = verifyBundle(await readBundleFile(file));
  const whole = verifyBundle(text);
  return { streamed, whole };
}

describe('bundle files read with artifacts streamed', () => {
  it('verifies a genuine bundle, its artifact hashed while read and not kept', async () => {
    const text = await genuine();
    const file = join(dir, 'genuine.json');
    writeFileSync(file, text);
    const read = (await readBundleFile(file)) as { artifacts: { ref: string; base64: string }[] };
    expect(read.artifacts).toHaveLength(1);
    expect(read.artifacts[0]!.base64).toBe('');
    expect(streamedArtifact(read, 0)).toMatchObject({ ref: read.artifacts[0]!.ref, plain: true });
    expect(verifyBundle(read)).toMatchObject({ valid: true, records: 1 });
  });

  it('gives the same verdict as the whole text for every spelling', async () => {
    const text = await genuine();
    const b64 = (JSON.parse(text) as { artifacts: { base64: string }[] }).artifacts[0]!.base64;
    expect(b64).toContain('/'); // '?' is 0x3f: its base64 has slashes, for the escaped spelling below
    const swap = (to: string) => text.replace(`"base64":"${b64}"`, `"base64":${to}`);
    const cases: [string, string, boolean][] = [
      ['genuine', text, true],
      ['slashes escaped', swap(JSON.stringify(b64).replaceAll('/', '\\/')), true],
      ['a letter as \\u escape', swap(`"\\u00${b64.charCodeAt(0).toString(16)}${b64.slice(1)}"`), true],
      ['the key spelled with escapes (parsed, not streamed)', text.replace('"base64":', '"base\\u0036\\u0034":'), true],
      ['one character changed', swap(JSON.stringify((b64[0] === 'A' ? 'B' : 'A') + b64.slice(1))), false],
      ['a newline inside the base64', swap(JSON.stringify(b64.slice(0, 8) + '\n' + b64.slice(8))), false],
      ['text after the padding', swap(JSON.stringify(b64 + 'QQ==')), false],
      ['a character outside the alphabet', swap(JSON.stringify('!' + b64.slice(1))), false],
      ['a length not a multiple of 4', swap(JSON.stringify(b64.slice(0, -1))), false],
      ['the key repeated: the last wins', swap(`"AAAA","base64":${JSON.stringify(b64)}`), true],
      ['the key repeated, the last wrong', swap(`${JSON.stringify(b64)},"base64":"AAAA"`), false],
    ];
    for (const [name, variant, valid] of cases) {
      const { streamed, whole } = await bothWays(variant);
      expect({ name, valid: streamed.valid, reason: streamed.reason }).toEqual({ name, valid: whole.valid, reason: whole.reason });
      expect({ name, valid: streamed.valid }).toEqual({ name, valid });
    }
  });

  it('reads the same whatever the chunk boundaries, down to one byte at a time', async () => {
    const text = Buffer.from((await genuine()).replace('"base64":"', '"base64":"\\/\\/\\/\\/'));
    const whole = new BundleScanner();
    whole.write(text);
    const bytes = new BundleScanner();
    for (let i = 0; i < text.length; i++) bytes.write(text.subarray(i, i + 1));
    expect(bytes.end()).toBe(whole.end());
    expect(bytes.artifacts.get(0)).toEqual(whole.artifacts.get(0));
  });

  it('a file that is not JSON, or cut short inside an artifact, is refused as not JSON', async () => {
    const text = await genuine();
    for (const bad of ['not json', text.slice(0, text.indexOf('"base64":"') + 2000)]) {
      const file = join(dir, `bad${n++}.json`);
      writeFileSync(file, bad);
      await expect(readBundleFile(file)).rejects.toMatchObject({ code: 'BUNDLE_INVALID', message: expect.stringContaining('not JSON') });
    }
  });
});
