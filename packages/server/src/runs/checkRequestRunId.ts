import { isRunId } from '@firstline/core';
import { HttpError } from '../http/httpError.js';

/** 400 E_RUN_ID_INVALID unless `runId` is one every store accepts (a file name: not "." or ".."). */
export function checkRequestRunId(runId: string): void {
  const shown = JSON.stringify(runId.slice(0, 220));
  if (!isRunId(runId))
    throw new HttpError(
      400,
      'E_RUN_ID_INVALID',
      `runId ${shown} is invalid: use 1 to 200 of A-Z a-z 0-9 . _ - (and not "." or "..")`,
    );
}
