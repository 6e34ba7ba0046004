import { ErrorCode } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { SLACK_ERROR } from './slackErrors.js';

describe('SLACK_ERROR', () => {
  it("is @slack/web-api's own ErrorCode values, written out so reading errors imports nothing", () => {
    expect(SLACK_ERROR).toEqual({
      PlatformError: ErrorCode.PlatformError,
      RateLimitedError: ErrorCode.RateLimitedError,
      HTTPError: ErrorCode.HTTPError,
      RequestError: ErrorCode.RequestError,
    });
  });
});
