import type { ApprovalDesk } from '../services.js';
import type { ApprovalState, RunRecord } from '../types.js';
import type { RunLifecycle } from './lifecycle.js';
import type { RecordWriter } from './recordWriter.js';

/**
 * A run's approvals as its approve steps see them: the record's latest approval, kept through the
 * record writer, and the lifecycle's hold. A class, like the run's services, so a waiting run holds
 * one small object and no closures.
 */
export class ApprovalBook implements ApprovalDesk {
  /** Set once the run's lifecycle exists (it is made after the services). */
  lifecycle?: Pick<RunLifecycle, 'hold'>;

  /** `writer` only with a store: without one, keeping an approval writes nothing. */
  constructor(
    private readonly record: RunRecord,
    private readonly writer: RecordWriter | undefined,
    private readonly consoleUrl: string | undefined,
  ) {}

  /** See ApprovalDesk.current. */
  current(): ApprovalState | undefined {
    return this.record.approval;
  }

  /** See ApprovalDesk.keep. */
  keep(state: ApprovalState): Promise<void> {
    this.record.approval = state;
    return this.writer ? this.writer.save() : Promise.resolve();
  }

  /** See ApprovalDesk.hold. */
  hold(wakeAt: number): boolean {
    return this.lifecycle?.hold(wakeAt) ?? false;
  }

  /** See ApprovalDesk.url: the console's page for the approval, or empty without a console. */
  url(id: string): string {
    return this.consoleUrl !== undefined ? `${this.consoleUrl}/approvals?id=${encodeURIComponent(id)}` : '';
  }
}
