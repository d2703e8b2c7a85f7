import { randomUUID } from 'node:crypto';
import type { InvocationRecord } from '../harness/invoke/types.ts';
import { describeOutcome, parseJson } from '../harness/suite/checks.ts';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { LayerFixtures } from '../harness/suite/layer-fixtures.ts';
import { LAMBDA_TOO_MANY_LAYERS, LAMBDA_UNZIPPED_TOO_LARGE, MAX_LAYERS, MAX_UNZIPPED_BYTES } from '../harness/environment/limits.ts';
import { WITHIN_LIMITS_EXPECTED } from '../harness/suite/package-refusal.ts';

/** A probe without the `import` / `file` operations answers ProbeUnknownOp (docs/probe-contract.md). */
function unknownOp(r: InvocationRecord): boolean {
  return r.outcome === 'function-error' && (r.errorType === 'ProbeUnknownOp' || r.response.payload.toString('utf8').includes('unknown probe op'));
}

/** The probe's answer to an `import` or `file` op, or nothing to judge when its probe lacks the op. */
function answerOf<T>(t: ScenarioContext, r: InvocationRecord, op: string): T | undefined {
  if (unknownOp(r)) t.nothingToJudge(`the probe does not implement the ${op} operation`);
  if (r.outcome !== 'success') return undefined;
  return parseJson(r.response.payload.toString('utf8')) as T | undefined;
}

/**
 * The subject failed: first make sure the runtime works at all in its own layout, so a runtime that
 * never works is blamed once, by the scenario that covers that.
 */
async function failAfterBaseline(t: ScenarioContext, r: InvocationRecord, message: string, expected: string): Promise<never> {
  await t.baseline();
  return t.fail({ message, expected, actual: describeOutcome(r), records: [r] });
}

export default area('layers', 'Layers in /opt', [
  scenario(
    {
      id: 'layers.within-limits',
      level: 'MUST',
      title: 'The runtime package is within Lambda\'s layer limits',
      requirement: 'The runtime\'s function and layers are within Lambda\'s limits: at most 5 layers, and at most 250 MB unzipped together; Lambda refuses any other before a runtime starts.',
    },
    async (t: ScenarioContext) => {
      // A package over the limits never gets here: bootspec refuses it while reading and assembling
      // it, as Lambda refuses the configuration, and the run gives this scenario that refusal
      // (harness/suite/package-refusal.ts). Here the package was assembled: say what it measured.
      const layers = t.manifest.layers.length;
      const bytes = t.target.files.unzippedBytes;
      t.check(layers <= MAX_LAYERS, { message: `Lambda refuses this function before any runtime starts: ${LAMBDA_TOO_MANY_LAYERS}`, expected: WITHIN_LIMITS_EXPECTED, actual: `${layers} layers` });
      t.check(bytes <= MAX_UNZIPPED_BYTES, { message: `Lambda refuses this function before any runtime starts: ${LAMBDA_UNZIPPED_TOO_LARGE}`, expected: WITHIN_LIMITS_EXPECTED, actual: `${bytes} bytes unzipped` });
      t.note(`${layers} layer(s); function + layers ${bytes} bytes unzipped, of Lambda's ${MAX_UNZIPPED_BYTES}`);
    },
  ),
  scenario(
    {
      id: 'layers.bootstrap-in-layer',
      level: 'MUST',
      needsPathFidelity: true,
      title: 'Runs as /opt/bootstrap from a layer',
      requirement: 'Shipped as a layer, the runtime starts as /opt/bootstrap (the function has none) and serves the function in /var/task.',
    },
    async (t: ScenarioContext) => {
      const fx = await LayerFixtures.create(t.target);
      const layout = await fx.runtimeAsLayer();
      if (layout.kind === 'wrapper') {
        return t.nothingToJudge('its /var/task/bootstrap wraps the /opt/bootstrap of its own layer: the runtime already runs from a layer, through a wrapper in the function');
      }
      const env = await t.environment(layout.kind === 'moved' ? { files: layout.files } : {});
      const r = await t.probe(env, { probe: 'echo', value: 'from /opt/bootstrap' });
      const where =
        layout.kind === 'moved' ? `the runtime moved into a layer (the function keeps ${layout.functionEntries.join(', ') || 'nothing'})` : 'its own layout (its bootstrap already comes from a layer)';
      if (r.outcome !== 'success' || r.response.payload.toString('utf8') !== '"from /opt/bootstrap"') {
        await failAfterBaseline(t, r, `started as /opt/bootstrap from ${where}, the runtime did not serve an echo`, '"from /opt/bootstrap"');
      }
      t.note(`served from /opt/bootstrap, ${where}`);
    },
  ),
  scenario(
    {
      id: 'layers.nodejs-path',
      level: 'MUST',
      needsPathFidelity: true,
      feature: 'nodejs',
      title: 'A module in /opt/nodejs/node_modules can be required',
      requirement: "A Node.js handler can require a module from a layer's nodejs/node_modules folder (/opt/nodejs/node_modules on NODE_PATH).",
    },
    async (t: ScenarioContext) => {
      const fx = await LayerFixtures.create(t.target);
      const nonce = randomUUID();
      const mod = await fx.layer({ 'nodejs/node_modules/bootspec-layer-module/index.js': `module.exports = { value: ${JSON.stringify(nonce)} };\n` });
      const env = await t.environment({ files: await fx.withLayersAfter([mod]) });
      const r = await t.probe(env, { probe: 'import', module: 'bootspec-layer-module' });
      const answer = answerOf<{ value?: unknown }>(t, r, 'import');
      if (answer === undefined) await failAfterBaseline(t, r, 'the handler could not require a module from /opt/nodejs/node_modules', `{"value":"${nonce}"}`);
      t.check(answer?.value === nonce, { message: 'the module required is not the layer\'s', expected: nonce, actual: JSON.stringify(answer?.value), records: [r] });
    },
  ),
  scenario(
    {
      id: 'layers.python-path',
      level: 'MUST',
      needsPathFidelity: true,
      feature: 'python',
      title: 'A package in /opt/python can be imported',
      requirement: "A Python handler can import a package from a layer's python folder (/opt/python on sys.path).",
    },
    async (t: ScenarioContext) => {
      const fx = await LayerFixtures.create(t.target);
      const nonce = randomUUID();
      const pkg = await fx.layer({ 'python/bootspec_layer_module/__init__.py': `value = ${JSON.stringify(nonce)}\n` });
      const env = await t.environment({ files: await fx.withLayersAfter([pkg]) });
      const r = await t.probe(env, { probe: 'import', module: 'bootspec_layer_module' });
      const answer = answerOf<{ value?: unknown }>(t, r, 'import');
      if (answer === undefined) await failAfterBaseline(t, r, 'the handler could not import a package from /opt/python', `{"value":"${nonce}"}`);
      t.check(answer?.value === nonce, { message: "the package imported is not the layer's", expected: nonce, actual: JSON.stringify(answer?.value), records: [r] });
    },
  ),
]);
