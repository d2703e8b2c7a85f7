import { describe, expect, it } from 'vitest';
import { handleExtensionRegister } from '../../../harness/api/handlers/extension-register.ts';
import type { ExtensionRegistry } from '../../../harness/api/extensions/registry.ts';
import { okBody } from './fakes.ts';
import { extensionExchange, header, ID_PATTERN, registry } from './extension-fakes.ts';

const PATH = '/2020-01-01/extension/register';

async function register(reg: ExtensionRegistry, headers: Record<string, string>, body = '{"events":["INVOKE"]}') {
  const { ex, res } = extensionExchange('POST', PATH, headers, okBody(body));
  await handleExtensionRegister(reg, ex);
  return res;
}

describe('handleExtensionRegister alone', () => {
  it('registers an internal extension: 200, an identifier, the function metadata without accountId', async () => {
    const reg = registry();
    const res = await register(reg, { 'lambda-extension-name': 'GoLangEnableSIGTERM' }, '{"events":[]}');
    expect(res.statusCode).toBe(200);
    expect(header(res, 'Lambda-Extension-Identifier')).toMatch(ID_PATTERN);
    expect(res.body).toBe('{"functionName":"fn","functionVersion":"$LATEST","handler":"probe.handler"}\n');
    expect(reg.registered.map((e) => [e.name, e.external])).toEqual([['GoLangEnableSIGTERM', false]]);
  });

  it('adds accountId when the extension accepts the feature, and registers an external one by its file name', async () => {
    const reg = registry(['my-ext']);
    const res = await register(reg, { 'lambda-extension-name': 'my-ext', 'lambda-extension-accept-feature': 'other, accountId' }, '{"events":["INVOKE","SHUTDOWN"]}');
    expect(res.json).toEqual({ accountId: '111111111111', functionName: 'fn', functionVersion: '$LATEST', handler: 'probe.handler' });
    expect(reg.registered.map((e) => [e.name, e.external, e.events])).toEqual([['my-ext', true, ['INVOKE', 'SHUTDOWN']]]);
    expect(reg.externalsRegistered).toBe(true);
  });

  it('answers RAPID\'s 403 bodies to wrong registrations', async () => {
    const reg = registry(['ext']);
    expect((await register(reg, {})).json).toEqual({ errorMessage: 'Empty extension name', errorType: 'Extension.InvalidExtensionName' });
    expect((await register(reg, { 'lambda-extension-name': 'in' }, '{"events":["SHUTDOWN"]}')).json).toEqual({
      errorMessage: 'SHUTDOWN: ShutdownEventNotSupportedForInternalExtension',
      errorType: 'Extension.InvalidEventType',
    });
    expect((await register(reg, { 'lambda-extension-name': 'ext' }, '{"events":["RESTORE"]}')).json).toEqual({
      errorMessage: 'RESTORE: ErrorInvalidEventType',
      errorType: 'Extension.InvalidEventType',
    });
    expect((await register(reg, { 'lambda-extension-name': 'x' }, '{"configurationKeys":["a"]}')).json).toEqual({
      errorMessage: 'configurationKeys are deprecated; use environment variables instead',
      errorType: 'InvalidRequestFormat',
    });
    expect((await register(reg, { 'lambda-extension-name': 'x' }, '')).json).toEqual({ errorMessage: 'unexpected end of JSON input', errorType: 'InvalidRequestFormat' });
    expect(reg.registered).toEqual([]);
  });

  it('refuses a second registration of the same extension', async () => {
    const reg = registry(['ext']);
    expect((await register(reg, { 'lambda-extension-name': 'ext' })).statusCode).toBe(200);
    expect((await register(reg, { 'lambda-extension-name': 'ext' })).json).toEqual({
      errorMessage: 'State transition from Registered to Registered failed for extension ext. Error: State transition is not allowed',
      errorType: 'Extension.InvalidExtensionState',
    });
    expect((await register(reg, { 'lambda-extension-name': 'in' })).statusCode).toBe(200);
    expect((await register(reg, { 'lambda-extension-name': 'in' })).json).toEqual({ errorMessage: 'Extension with this name already registered', errorType: 'Extension.InvalidExtensionState' });
  });

  it('closes registration after init, and allows at most 10 extensions', async () => {
    const reg = registry();
    for (let i = 0; i < 10; i++) expect((await register(reg, { 'lambda-extension-name': `e${i}` })).statusCode).toBe(200);
    expect((await register(reg, { 'lambda-extension-name': 'e10' })).json).toEqual({ errorMessage: 'Extension limit (10) reached', errorType: 'Extension.TooManyExtensions' });
    reg.closeRegistration();
    expect((await register(reg, { 'lambda-extension-name': 'late' })).json).toEqual({ errorMessage: 'Extension registration closed already', errorType: 'Extension.RegistrationClosed' });
  });
});
