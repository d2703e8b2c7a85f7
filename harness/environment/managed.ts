/**
 * Lambda Managed Instances: one execution environment serves several invocations at once, up to
 * AWS_LAMBDA_MAX_CONCURRENCY, and AWS_LAMBDA_INITIALIZATION_TYPE=lambda-managed-instances tells the
 * runtime so (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-custom.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances.html). docs/requirements.md#concurrency
 */
import { BootspecError, ErrorCodes } from '../errors.ts';
import type { FunctionConfig } from './types.ts';

/**
 * The concurrency of a managed-instances environment, or undefined for the classic one: a
 * `maxConcurrency` above 1, or any `maxConcurrency` with the initialization type
 * `lambda-managed-instances`. `maxConcurrency` absent or 1 otherwise keeps today's environment.
 */
export function managedConcurrency(config: Pick<FunctionConfig, 'maxConcurrency' | 'initializationType'>): number | undefined {
  const n = config.maxConcurrency;
  if (n === undefined) return config.initializationType === 'lambda-managed-instances' ? 1 : undefined;
  if (!Number.isInteger(n) || n < 1) {
    throw new BootspecError(ErrorCodes.USAGE, `function config maxConcurrency must be a whole number ≥ 1, got ${n}`, {
      hint: 'pass --max-concurrency 2 or more for a Managed Instances environment, or leave it out',
    });
  }
  if (n === 1 && config.initializationType !== 'lambda-managed-instances') return undefined;
  return n;
}

/** The variables a managed-instances environment adds (none in the classic one). */
export function managedVariables(config: FunctionConfig): Record<string, string> {
  const n = managedConcurrency(config);
  if (n === undefined) return {};
  return { AWS_LAMBDA_MAX_CONCURRENCY: String(n), AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances' };
}
