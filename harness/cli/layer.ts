import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseLayerName, parseLayerVersionArn, parseVersionNumber } from '../layers/arn.ts';
import { LayerStore } from '../layers/store.ts';
import type { Caller, ResolvedLayerVersion } from '../layers/types.ts';
import { layerVersionListItem, layerVersionView } from '../layers/views.ts';
import { usage } from './common.ts';

export const layerHelp = `bootspec layer <publish|get|list|versions|delete|add-permission|remove-permission|policy> …

Lambda layers in the local layer store, with Lambda's rules (immutable versions, numbers never
reused, deleted versions kept for the functions that use them, permissions per account). Prints
what the Lambda API would answer, as JSON. \`bootspec serve\` serves the same store to the AWS clients.

  publish <name> --zip F [--description D] [--compatible-runtimes R,…] [--compatible-architectures A,…] [--license-info L]
  get <name> <version> | get <layer-version-arn>
  list [--compatible-runtime R] [--compatible-architecture A]
  versions <name> [--compatible-runtime R] [--compatible-architecture A]
  delete <name> <version>
  add-permission <name> <version> --statement-id S --principal ACCOUNT|* [--organization-id O] [--revision-id R]
  remove-permission <name> <version> <statement-id> [--revision-id R]
  policy <name> <version>

  --store DIR           the layer store (default $BOOTSPEC_LAYER_STORE, else \${XDG_CACHE_HOME:-~/.cache}/bootspec/layers)
  --account A           act as this 12-digit account (default 123456789012)
  --region R            region of the layers (default us-east-1)
`;

const FLAGS = {
  store: { type: 'string' },
  account: { type: 'string' },
  region: { type: 'string' },
  zip: { type: 'string' },
  description: { type: 'string' },
  'compatible-runtimes': { type: 'string' },
  'compatible-architectures': { type: 'string' },
  'compatible-runtime': { type: 'string' },
  'compatible-architecture': { type: 'string' },
  'license-info': { type: 'string' },
  'statement-id': { type: 'string' },
  principal: { type: 'string' },
  'organization-id': { type: 'string' },
  'revision-id': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function layerCommand(argv: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({ args: argv, allowPositionals: true, options: FLAGS });
  const [sub, ...args] = positionals;
  if (v.help || sub === undefined) {
    process.stdout.write(layerHelp);
    return sub === undefined && !v.help ? 2 : 0;
  }
  const account = v.account ?? '123456789012';
  if (!/^\d{12}$/.test(account)) throw usage(`--account must be a 12-digit account id, got "${account}"`);
  const caller: Caller = { account, region: v.region ?? 'us-east-1' };
  const store = v.store === undefined ? new LayerStore() : new LayerStore(v.store);
  const arg = (i: number, what: string): string => {
    const a = args[i];
    if (a === undefined) throw usage(`bootspec layer ${sub} needs ${what}`, 'see bootspec layer --help');
    return a;
  };
  const ref = () => parseLayerName(arg(0, 'a layer name'), caller);
  const version = () => parseVersionNumber(arg(1, 'a version number'));
  const filter = { compatibleRuntime: v['compatible-runtime'], compatibleArchitecture: v['compatible-architecture'] };
  const view = (r: ResolvedLayerVersion) => layerVersionView(r, pathToFileURL(r.blobPath).href);
  let out: unknown;
  switch (sub) {
    case 'publish': {
      if (v.zip === undefined) throw usage('bootspec layer publish needs --zip F', 'zip the layer first, e.g. (cd dir && zip -r ../layer.zip .)');
      const r = await store.publish(caller, {
        layerName: arg(0, 'a layer name'),
        zip: await readFile(v.zip),
        description: v.description,
        compatibleRuntimes: list(v['compatible-runtimes']),
        compatibleArchitectures: list(v['compatible-architectures']),
        licenseInfo: v['license-info'],
      });
      out = view(r);
      break;
    }
    case 'get': {
      const asArn = parseLayerVersionArn(arg(0, 'a layer name or layer version ARN'));
      out = view(asArn ? await store.get(caller, asArn, asArn.version) : await store.get(caller, ref(), version()));
      break;
    }
    case 'list': {
      const page = await store.list(caller, { ...filter, maxItems: 50 });
      out = { Layers: page.items.map((l) => ({ LayerName: l.layerName, LayerArn: l.layerArn, LatestMatchingVersion: layerVersionListItem(l.latest) })) };
      break;
    }
    case 'versions':
      out = { LayerVersions: (await store.listVersions(caller, ref(), { ...filter, maxItems: 50 })).items.map(layerVersionListItem) };
      break;
    case 'delete':
      await store.delete(caller, ref(), version());
      return 0;
    case 'add-permission': {
      if (v['statement-id'] === undefined || v.principal === undefined) throw usage('add-permission needs --statement-id and --principal');
      const r = await store.addPermission(caller, ref(), version(), {
        statementId: v['statement-id'],
        action: 'lambda:GetLayerVersion',
        principal: v.principal,
        organizationId: v['organization-id'],
        revisionId: v['revision-id'],
      });
      out = { Statement: r.statement, RevisionId: r.revisionId };
      break;
    }
    case 'remove-permission':
      await store.removePermission(caller, ref(), version(), arg(2, 'a statement id'), v['revision-id']);
      return 0;
    case 'policy': {
      const r = await store.getPolicy(caller, ref(), version());
      out = { Policy: r.policy, RevisionId: r.revisionId };
      break;
    }
    default:
      throw usage(`unknown layer command "${sub}"`, 'see bootspec layer --help');
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
