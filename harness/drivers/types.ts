/** How a runtime is started: the driver contract shared by the process and container drivers. */

export type LogStream = 'stdout' | 'stderr';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
  /** True when the kernel killed the runtime at the function's memory limit (container driver). */
  oomKilled?: boolean;
}

/** What a driver needs to start one runtime process. */
export interface LaunchSpec {
  /** Host folder mounted (or used) as /var/task. */
  taskRoot: string;
  /** Host folder mounted (or used) as /opt. */
  optDir: string;
  /** Host folder that is this environment's private /tmp (kept across re-inits). */
  tmpDir: string;
  /** Where the bootstrap is as Lambda sees it. */
  bootstrap: '/var/task/bootstrap' | '/opt/bootstrap';
  /** The complete environment of the process (nothing is inherited). */
  env: Record<string, string>;
  /** Called once per complete output line, in order per stream. */
  onLine: (stream: LogStream, text: string, at: number) => void;
  /** The function's memory size, for drivers that can enforce it. */
  memoryMb: number;
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

export interface Driver {
  readonly name: 'process' | 'container';
  /** True when the runtime sees /var/task, /opt and /tmp at their real paths. */
  readonly pathFidelity: boolean;
  /** One line for the user when the driver runs in a weakened mode, else undefined. */
  readonly warning: string | undefined;
  paths(spec: Pick<LaunchSpec, 'taskRoot' | 'optDir' | 'tmpDir'>): DriverPaths;
  start(spec: LaunchSpec): Promise<RuntimeProcess>;
  /** Sets up an environment's sandbox before its first Init (the container driver's container), so set-up is not init time. */
  prepareEnvironment?(spec: Pick<LaunchSpec, 'taskRoot' | 'optDir' | 'tmpDir' | 'memoryMb'>): Promise<void>;
  /** Frees what the driver holds for the environment whose /tmp is `tmpDir` (its container); called once it closed. */
  release?(tmpDir: string): Promise<void>;
  /** Runs a command to completion in that environment's sandbox, next to the runtime (container driver). */
  exec?(tmpDir: string, argv: string[], user?: 'function' | 'root'): Promise<{ exitCode: number; stdout: string; stderr: string }>;
}
