// The decision call the Slack route makes. Until @firstline/core's decideApproval is merged this
// stand-in refuses; at merge it becomes `export { decideApproval } from '@firstline/core'`.
import { FirstlineError } from '@firstline/core';
import type { ApprovalDecision, ResumeOptions, RunResult } from '@firstline/core';

/** What recording a decision did (core's DecideResult). */
export type DecideResult =
  | { status: 'decided'; result: RunResult }
  | {
      status: 'refused';
      code: 'E_APPROVAL_NOT_PENDING' | 'E_APPROVAL_DECIDED' | 'E_APPROVAL_EXPIRED' | 'E_APPROVAL_NOT_ALLOWED';
      message: string;
    };

/** Records a decision once and resumes the run (core's decideApproval). */
export function decideApproval(
  approvalId: string,
  _decision: ApprovalDecision,
  _options: ResumeOptions,
): Promise<DecideResult> {
  return Promise.reject(
    new FirstlineError('E_HANDLER_CONFIG', `cannot decide ${approvalId}: this core has no decideApproval`),
  );
}
