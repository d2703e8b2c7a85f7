/** A function as Lambda's API returns it (FunctionConfiguration in the Lambda service model). */
import { codeSha256 } from '../layers/views.ts';
import type { LambdaFunction } from './function-types.ts';

export function functionConfiguration(f: LambdaFunction): Record<string, unknown> {
  return {
    FunctionName: f.name,
    FunctionArn: f.arn,
    Runtime: f.runtime,
    Role: f.role,
    Handler: f.handler,
    CodeSize: f.code.size,
    Description: f.description,
    Timeout: f.timeout,
    MemorySize: f.memorySize,
    LastModified: f.lastModified,
    CodeSha256: codeSha256(f.code.sha256),
    Version: '$LATEST',
    ...(Object.keys(f.environment).length === 0 ? {} : { Environment: { Variables: f.environment } }),
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: f.revisionId,
    ...(f.layers.length === 0 ? {} : { Layers: f.layers.map((l) => ({ Arn: l.arn, CodeSize: l.codeSize })) }),
    State: 'Active',
    LastUpdateStatus: 'Successful',
    PackageType: 'Zip',
    Architectures: f.architectures,
    EphemeralStorage: { Size: f.ephemeralStorage },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${f.name}` },
  };
}
