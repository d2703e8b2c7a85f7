import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aboutMockMarkdown, readFidelity, writeAboutMockPage } from '../../harness/report/html/about-mock.ts';

const dir = mkdtempSync(join(tmpdir(), 'bootspec-about-mock-'));

function fidelityDoc(unlisted: number): string {
  const file = join(dir, `fidelity-${unlisted}.json`);
  const deliberate = (id: string) => ({ consequent: false, explanation: { kind: 'deliberate', id } });
  writeFileSync(
    file,
    JSON.stringify({
      schema: 'bootspec.fidelity.v1',
      emulator: { version: 'v0.0.0-test', path: '/x' },
      seed: 7,
      fuzzSeconds: 20,
      corpus: { conversations: 80, agreeing: 20, explained: 80 - unlisted, share: 0.25 },
      fuzz: { conversations: 12, agreeing: 3, explained: 12, reproducers: [] },
      divergences: { total: 3 + unlisted, deliberate: 3, unlisted },
      results: [{ divergences: [deliberate('next.trace-id'), deliberate('next.trace-id'), deliberate('invoke.api-headers')] }],
    }),
  );
  return file;
}

describe('the report’s "about the mock" page', () => {
  it('shows the emulator, the share of the corpus that agrees, and the divergences by deliberate entry', () => {
    const s = readFidelity(fidelityDoc(0));
    expect(s.deliberate).toEqual([
      { id: 'next.trace-id', count: 2 },
      { id: 'invoke.api-headers', count: 1 },
    ]);
    const md = aboutMockMarkdown(s);
    expect(md).toContain('`v0.0.0-test`');
    expect(md).toContain('| agree exactly | 20 (25.0 %) |');
    expect(md).toContain('deliberate 3, unexplained 0');
    expect(md).toContain('Every difference found is deliberate');
    const page = readFileSync(writeAboutMockPage(dir, s), 'utf8');
    expect(page).toContain('<title>About the mock</title>');
    expect(page).toContain('next.trace-id');
  });

  it('says so when some divergences are unexplained', () => {
    expect(aboutMockMarkdown(readFidelity(fidelityDoc(2)))).toContain('2 difference(s) are not explained');
  });

  it('refuses a document that is not a fidelity run, naming the command that writes one', () => {
    const file = join(dir, 'results.json');
    writeFileSync(file, JSON.stringify({ schema: 'bootspec.results.v1' }));
    expect(() => readFidelity(file)).toThrow(/bootspec\.fidelity\.v1/);
  });
});
