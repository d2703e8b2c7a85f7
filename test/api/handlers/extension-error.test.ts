import { describe, expect, it } from 'vitest';
import { handleExtensionError } from '../../../harness/api/handlers/extension-error.ts';
import type { ExtensionRegistry } from '../../../harness/api/extensions/registry.ts';
import { okBody } from './fakes.ts';
import { extensionExchange, registry } from './extension-fakes.ts';

async function report(reg: ExtensionRegistry, which: 'InitError' | 'ExitError', headers: Record<string, string>) {
  const path = which === 'InitError' ? '/2020-01-01/extension/init/error' : '/2020-01-01/extension/exit/error';
  const { ex, res } = extensionExchange('POST', path, headers, okBody('{"errorMessage":"x","errorType":"Ext.Broken"}'));
  await handleExtensionError(reg, ex, which);
  return res;
}

describe('handleExtensionError alone', () => {
  it('accepts init/error from a registered extension with 202, and nothing more afterwards', async () => {
    const reg = registry(['ext']);
    const r = reg.register('ext', ['INVOKE']);
    if (!r.ok) throw new Error(r.errorMessage);
    const res = await report(reg, 'InitError', { 'lambda-extension-identifier': r.id, 'lambda-extension-function-error-type': 'Extension.Broken' });
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('{"status":"OK"}\n');
    expect(reg.failed).toMatchObject({ name: 'ext', state: 'InitError', errorType: 'Extension.Broken' });
    const again = await report(reg, 'ExitError', { 'lambda-extension-identifier': r.id, 'lambda-extension-function-error-type': 'Extension.Broken' });
    expect(again.json).toEqual({
      errorMessage: `State transition from InitError to Exited failed for extension ${r.id}. Error: State transition is not allowed`,
      errorType: 'Extension.InvalidExtensionState',
    });
  });

  it('needs the error type header, and a known identifier', async () => {
    const reg = registry();
    const r = reg.register('in', []);
    if (!r.ok) throw new Error(r.errorMessage);
    expect((await report(reg, 'ExitError', { 'lambda-extension-identifier': r.id })).json).toEqual({
      errorMessage: 'Lambda-Extension-Function-Error-Type not found',
      errorType: 'Extension.MissingHeader',
    });
    expect((await report(reg, 'ExitError', { 'lambda-extension-identifier': '00000000-0000-4000-8000-000000000000', 'lambda-extension-function-error-type': 'X' })).json).toEqual({
      errorMessage: 'Unknown Lambda-Extension-Identifier',
      errorType: 'Extension.UnknownExtensionIdentifier',
    });
    expect(reg.failed).toBeUndefined();
  });

  it('refuses init/error once the extension is past init (Ready), but takes exit/error', async () => {
    const reg = registry();
    const r = reg.register('in', []);
    if (!r.ok) throw new Error(r.errorMessage);
    const { ex } = extensionExchange('GET', '/2020-01-01/extension/event/next');
    reg.next(r.id, ex);
    const headers = { 'lambda-extension-identifier': r.id, 'lambda-extension-function-error-type': 'Extension.X' };
    expect((await report(reg, 'InitError', headers)).statusCode).toBe(403);
    expect((await report(reg, 'ExitError', headers)).statusCode).toBe(202);
    expect(reg.failed?.state).toBe('ExitError');
  });
});
