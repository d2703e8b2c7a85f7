/** schemas/results.v1.schema.json matches what `bootspec run --json` writes (json.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { bootspec, FIXTURES, ROOT, tempDir } from './helpers.ts';

const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/results.v1.schema.json'), 'utf8')) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

function errors(doc: unknown): string {
  return validate(doc) ? '' : JSON.stringify(validate.errors, null, 1);
}

describe('results.v1 schema', () => {
  let doc: Record<string, unknown>;

  beforeAll(async () => {
    const file = join(tempDir('bootspec-schema-'), 'results.json');
    const run = await bootspec(['run', 'runtimes-under-test/node-plain', 'runtimes-under-test/bash', '--only', 'results', '--no-expectations', '--quiet', '--json', file]);
    expect(run.stderr).not.toMatch(/internal error/);
    doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  }, 180_000);

  it('validates a real run of two runtimes', () => {
    expect(errors(doc)).toBe('');
    expect((doc.runs as unknown[]).length).toBe(2);
  });

  it('records the host fingerprint and each runtime.json as run', () => {
    const host = doc.host as Record<string, unknown>;
    expect(host.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    const run = (doc.runs as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    expect((run.manifest as { name: string }).name).toBe('node-plain');
    expect(run.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('validates the captured fixtures the report tests use', () => {
    for (const f of ['results-2026-11-12.json', 'results-2026-11-19.json', 'results-2026-11-26.json']) {
      expect(errors(JSON.parse(readFileSync(join(FIXTURES, f), 'utf8'))), f).toBe('');
    }
  });

  it('rejects what json.ts never writes', () => {
    const broken = structuredClone(doc) as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    const first = broken.runs[0]?.results[0] as Record<string, unknown>;
    first.verdict = 'passed';
    expect(errors(broken)).toMatch(/allowedValues/);
    delete first.verdict;
    expect(errors(broken)).toMatch(/verdict/);
    expect(errors({ ...doc, schemaVersion: 2 })).toMatch(/schemaVersion/);
  });
});
