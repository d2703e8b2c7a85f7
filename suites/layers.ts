import { randomUUID } from 'node:crypto';
import type { InvocationRecord } from '../harness/invoke/types.ts';
import { describeOutcome, parseJson } from '../harness/suite/checks.ts';
import type { ScenarioContext } from '../harness/suite/context.ts';
import { area, scenario } from '../harness/suite/define.ts';
import { LayerFixtures } from '../harness/suite/layer-fixtures.ts';

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
]);
