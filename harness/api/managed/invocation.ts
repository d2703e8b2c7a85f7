/** One invocation of a managed-instances environment: its own request, delivery and result. */
import { now } from '../../clock.ts';
import type { InflightInvocation, InvocationRequest, RuntimeResult } from '../types.ts';

export class ManagedInvocation implements InflightInvocation {
  readonly request: InvocationRequest;
  readonly result: Promise<RuntimeResult>;
  #deliveries = 0;
  #firstDeliveredAt: number | undefined;
  #settled = false;
  #resolve!: (r: RuntimeResult) => void;

  constructor(request: InvocationRequest) {
    this.request = request;
    this.result = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  get deliveries(): number {
    return this.#deliveries;
  }

  get firstDeliveredAt(): number | undefined {
    return this.#firstDeliveredAt;
  }

  get settled(): boolean {
    return this.#settled;
  }

  markDelivered(): void {
    this.#deliveries += 1;
    this.#firstDeliveredAt ??= now();
  }

  settle(result: RuntimeResult): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve(result);
  }
}
