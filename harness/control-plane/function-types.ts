/** A function as the control plane holds it (in memory, for the life of `bootspec serve`). */
import type { EnvironmentPool } from '../invoke/pool.ts';

/** A layer as a function configuration references it: resolved once, when it was configured. */
export interface FunctionLayer {
  arn: string;
  sha256: string;
  codeSize: number;
  unzippedSize: number;
  /** Host path of the zip; kept by the store even after the version is deleted. */
  blobPath: string;
}

export interface FunctionCode {
  sha256: string;
  size: number;
  unzippedSize: number;
  path: string;
}

export interface LambdaFunction {
  name: string;
  account: string;
  region: string;
  arn: string;
  runtime: string;
  role: string;
  handler: string;
  description: string;
  timeout: number;
  memorySize: number;
  environment: Record<string, string>;
  architectures: string[];
  ephemeralStorage: number;
  code: FunctionCode;
  layers: FunctionLayer[];
  lastModified: string;
  revisionId: string;
  /** Started on first invoke; dropped (and closed) by any update. */
  pool: Promise<EnvironmentPool> | undefined;
}
