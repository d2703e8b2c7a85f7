/**
 * How a runtime is started: the driver contract shared by the process and container drivers. A
 * driver opens one sandbox handle per execution environment (`open`), as testcontainers hands out a
 * started container: the handle starts that environment's processes, runs commands next to them
 * where it can, and is disposed of when the environment closes.
 */

export type LogStream = 'stdout' | 'stderr';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
  /** True when the kernel killed the runtime at the function's memory limit (container driver). */
  oomKilled?: boolean;
}

/** What an environment's sandbox is made of; fixed for the environment's life. */
export interface SandboxSpec {
  /** Host folder mounted (or used) as /var/task. */
  taskRoot: string;
  /** Host folder mounted (or used) as /opt. */
  optDir: string;
  /** Host folder that is this environment's private /tmp (kept across re-inits). */
  tmpDir: string;
  /** The function's memory size, for drivers that can enforce it. */
  memoryMb: number;
}

/** One process to start in a sandbox (a runtime generation; extensions later). */
export interface LaunchSpec {
  /** Where the executable is as Lambda sees it: a bootstrap, or an extension in /opt/extensions. */
  bootstrap: '/var/task/bootstrap' | '/opt/bootstrap' | `/opt/extensions/${string}`;
  /** The complete environment of the process (nothing is inherited). */
  env: Record<string, string>;
  /** Called once per complete output line, in order per stream. */
  onLine: (stream: LogStream, text: string, at: number) => void;
  /**
   * When set (and the driver can), the process gets a pipe as `_LAMBDA_TELEMETRY_LOG_FD`, as Lambda
   * offers it; its bytes come here as they arrive, then `null` at its end.
   */
  onLogFd?: (chunk: Buffer | null, at: number) => void;
}

/** The paths the runtime sees, which decide the values of LAMBDA_TASK_ROOT & co. */
export interface DriverPaths {
  taskRoot: string;
  optDir: string;
  runtimeDir: string;
  tmpDir: string;
}

/** A started runtime process (the whole tree behind it). */
export interface RuntimeProcess {
  readonly pid: number;
  /** Settles when the process has exited and its output has been read to the end. */
  readonly exited: Promise<ExitInfo>;
  readonly hasExited: boolean;
  /** Sends a signal to the runtime's whole process tree. */
  signal(sig: NodeJS.Signals): void;
  /** SIGKILLs the tree and waits for the exit. */
  kill(): Promise<ExitInfo>;
  /** Peak resident memory of the tree so far, in KiB (0 if unknown). */
  peakRssKb(): number;
}

/** Who a command in a sandbox runs as: the function's user or root. */
export type SandboxUser = 'function' | 'root';

export interface SandboxExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * One execution environment's sandbox, open until disposed of. Identified by itself, never by a
 * path: two environments never share one.
 */
export interface EnvironmentSandbox {
  /** The paths the runtime sees in this sandbox. */
  readonly paths: DriverPaths;
  /** Starts a process in the sandbox. */
  start(launch: LaunchSpec): Promise<RuntimeProcess>;
  /**
   * A folder the sandbox's processes can reach, for the Managed Instances log socket
   * (harness/invoke/log-socket.ts): where the host creates it, and where the runtime sees it.
   */
  logSocketDir?(): { hostDir: string; sandboxDir: string };
  /** Runs a command to completion in the sandbox, next to the runtime (container driver only). */
  exec?(argv: string[], user?: SandboxUser): Promise<SandboxExecResult>;
  /** Ends the sandbox and whatever still runs in it; safe to call more than once. */
  [Symbol.asyncDispose](): Promise<void>;
}

export interface Driver {
  readonly name: 'process' | 'container';
  /** True when the runtime sees /var/task, /opt and /tmp at their real paths. */
  readonly pathFidelity: boolean;
  /** True when it can pass a process the telemetry log fd (LaunchSpec.onLogFd). */
  readonly telemetryLogFd?: boolean;
  /** One line for the user when the driver runs in a weakened mode, else undefined. */
  readonly warning: string | undefined;
  /**
   * Opens an environment's sandbox before its first Init (the container driver starts its
   * container here), so set-up is not init time, as on Lambda.
   */
  open(spec: SandboxSpec): Promise<EnvironmentSandbox>;
}
