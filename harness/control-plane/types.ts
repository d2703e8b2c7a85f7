/** Public shapes of the Lambda control plane on loopback. */
import type { Http1Request } from '../api/http1/types.ts';
import type { Driver } from '../drivers/types.ts';
import type { LayerStore } from '../layers/store.ts';
import type { Caller } from '../layers/types.ts';
import type { LogLine } from '../invoke/types.ts';

/** Who an access key id acts as. */
export interface AccountEntry {
  account: string;
  organizationId?: string | undefined;
}

export interface ControlPlaneOptions {
  store: LayerStore;
  /** Starts the functions' runtimes. */
  driver: Driver;
  /** Access key id → account (and organization); other keys act as `defaultAccount`. */
  accounts?: ReadonlyMap<string, AccountEntry>;
  /** Default 123456789012. */
  defaultAccount?: string;
  /** Region when a request is not signed (signed requests name theirs). Default us-east-1. */
  defaultRegion?: string;
  /** Scratch folder for function code and environments. */
  workDir: string;
  /** Environments per function (default 1). */
  concurrency?: number;
  onLog?: (functionName: string, line: LogLine) => void;
}

/** One control plane request, routed and read. */
export interface ApiRequest {
  req: Http1Request;
  caller: Caller;
  /** Decoded path parameters, by the name the API reference gives them. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The JSON body (undefined when there is none). */
  json: Record<string, unknown> | undefined;
  /** `http://host:port` as the client addressed us, for download locations. */
  origin: string;
}

/** What a handler answers: a status and a JSON document (or no body). */
export interface ApiResponse {
  status: number;
  body?: unknown;
}
