/**
 * An environment's external extensions: every regular file in /opt/extensions, started as its own
 * process before the runtime, in name order, each watched for its exit (aws-lambda-runtime-interface-
 * emulator@4fa21571 internal/lambda/agents/agent.go ListExternalAgentPaths; internal/lambda/rapid/
 * handlers.go doInitExtensions). https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentSandbox, ExitInfo, LogStream, RuntimeProcess } from '../drivers/types.ts';

/**
 * Variables Lambda does not give extensions (they belong to the runtime), per the Extensions API page
 * ("Extensions API" → environment variables).
 */
const RUNTIME_ONLY_VARIABLES = [
  'AWS_EXECUTION_ENV',
  'AWS_LAMBDA_LOG_GROUP_NAME',
  'AWS_LAMBDA_LOG_STREAM_NAME',
  'AWS_XRAY_CONTEXT_MISSING',
  'AWS_XRAY_DAEMON_ADDRESS',
  'LAMBDA_RUNTIME_DIR',
  'LAMBDA_TASK_ROOT',
  '_AWS_XRAY_DAEMON_ADDRESS',
  '_AWS_XRAY_DAEMON_PORT',
  '_HANDLER',
];

/** The external extensions in a host folder mounted as /opt: regular files of /opt/extensions, sorted. */
export function discoverExtensions(hostOptDir: string): string[] {
  const dir = join(hostOptDir, 'extensions');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => statSync(join(dir, n), { throwIfNoEntry: false })?.isFile() === true).sort();
}

/** The environment an extension process gets: the runtime's, less what is the runtime's alone. */
export function extensionEnvironment(runtimeEnv: Record<string, string>): Record<string, string> {
  const env = { ...runtimeEnv };
  for (const name of RUNTIME_ONLY_VARIABLES) delete env[name];
  return env;
}

export interface ExtensionProcess {
  readonly name: string;
  readonly proc: RuntimeProcess;
}

export interface StartExtensions {
  sandbox: EnvironmentSandbox;
  names: readonly string[];
  env: Record<string, string>;
  onLine: (name: string, stream: LogStream, text: string, at: number) => void;
  onExit: (name: string, e: ExitInfo) => void;
}

/** Starts every extension; a start that fails kills the ones already started and throws. */
export async function startExtensions(s: StartExtensions): Promise<ExtensionProcess[]> {
  const started: ExtensionProcess[] = [];
  try {
    for (const name of s.names) {
      const proc = await s.sandbox.start({
        bootstrap: `/opt/extensions/${name}`,
        env: s.env,
        onLine: (stream, text, at) => s.onLine(name, stream, text, at),
      });
      void proc.exited.then((e) => s.onExit(name, e));
      started.push({ name, proc });
    }
  } catch (err) {
    await Promise.all(started.map((x) => x.proc.kill()));
    throw err;
  }
  return started;
}
