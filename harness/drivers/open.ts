/**
 * The one way to get a driver, shared by the CLI and the suite workers: a serialisable target in, a
 * driver out, built once per process and reused for every environment and scenario of the run. The
 * container run itself (engine check, images, cleanup) is prepared once, by the CLI
 * (`ContainerDriver.prepare`), which hands its target to the workers.
 */
import { BootspecError, ErrorCodes } from '../errors.ts';
import { ContainerDriver } from './container.ts';
import type { ContainerTarget } from './container-types.ts';
import { ProcessDriver } from './process.ts';
import type { Driver } from './types.ts';

export type DriverTarget = { driver: 'process'; noSandbox: boolean } | { driver: 'container'; container: ContainerTarget | undefined };

/** Drivers of this process, by target. */
const opened = new Map<string, Driver>();

export function openDriver(target: DriverTarget): Driver {
  const key = targetKey(target);
  let driver = opened.get(key);
  if (!driver) {
    driver = build(target);
    opened.set(key, driver);
  }
  return driver;
}

/**
 * Makes a driver the CLI prepared the one `openDriver` returns for its target in this process (the
 * prepared container driver owns the run's cleanup).
 */
export function adoptDriver(driver: ContainerDriver): DriverTarget {
  const target: DriverTarget = { driver: 'container', container: driver.target };
  opened.set(targetKey(target), driver);
  return target;
}

/** Forgets a driver of this process once its run ended (its dispose was called). */
export function forgetDriver(target: DriverTarget): void {
  opened.delete(targetKey(target));
}

function targetKey(target: DriverTarget): string {
  return target.driver === 'process' ? `process:${target.noSandbox}` : `container:${JSON.stringify(target.container ?? null)}`;
}

function build(target: DriverTarget): Driver {
  if (target.driver === 'process') return new ProcessDriver({ noSandbox: target.noSandbox });
  if (!target.container) {
    throw new BootspecError(ErrorCodes.USAGE, 'a container run needs its prepared container target', {
      hint: 'prepare it with ContainerDriver.prepare() (bootspec run --driver container does)',
    });
  }
  return new ContainerDriver(target.container);
}
