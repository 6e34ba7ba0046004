/**
 * Every issue code the loader and validator report, with what it means. Codes are stable:
 * tools and tests may match on them; messages may improve.
 */
export const ISSUE_CODES = {
  E_READ: 'the playbook file could not be read',
  E_TOO_LARGE: 'the file is larger than the loader accepts',
  E_ENCODING: 'the file is not UTF-8 text',
  E_EMPTY: 'the file holds no playbook',
  E_YAML_SYNTAX: 'the YAML cannot be parsed',
  E_YAML_TAB: 'a tab is used for indentation',
  E_DUPLICATE_KEY: 'a mapping has the same key twice',
  E_MULTIPLE_DOCUMENTS: 'the file holds more than one YAML document',
  E_YAML_TAG: 'a YAML tag Firstline does not read (only plain data is allowed)',
  E_YAML_KEY: 'a mapping key that is not a plain scalar',
  E_ALIAS_LIMIT: 'YAML aliases expand to too much data (billion-laughs guard)',
  E_DEPTH_LIMIT: 'the document is nested too deeply',
  E_ROOT_NOT_MAPPING: 'the top level is not a mapping of keys',
  E_VERSION: 'the `firstline:` format version is missing or unsupported',
  E_FORM: 'the playbook mixes or lacks the first-line form (checks) and the general form (steps)',
  E_UNKNOWN_KEY: 'a key the format does not define',
  E_MISSING_KEY: 'a required key is absent',
  E_TYPE: 'a value has the wrong type',
  E_VALUE: 'a value is not one of those allowed',
  E_SCHEMA: 'a value breaks a rule of the format',
  E_ID: 'an id is not a valid identifier',
  E_STEP_KIND: 'a step has none, or more than one, of action, wait, goto, end, parallel, approve',
  E_DURATION: 'a duration does not parse or is out of range',
  E_DUPLICATE_ID: 'two steps share an id',
  E_UNKNOWN_STEP: 'a reference names a step that does not exist',
  E_UNREACHABLE_STEP: 'no path from the first step reaches this step',
  E_UNBOUNDED_LOOP: 'a loop with no bound (no step on it has maxVisits)',
  E_TIMEOUT: 'a timeout that cannot work with the others (too long, or longer than what contains it)',
  E_UNKNOWN_ACTION: 'action: names no registered action',
  E_ACTION_KIND: 'an action of the wrong kind for its place (a remediation among the checks)',
  E_ACTION_INPUT: '`with:` does not match the action input schema',
  E_EXPRESSION: 'an expression does not compile',
  E_TEMPLATE: 'a {{ }} template is not closed or is empty',
  E_UNKNOWN_REFERENCE: 'an expression names something out of scope',
  E_UNKNOWN_INPUT: 'an expression uses an input that is not declared',
  E_UNKNOWN_SECRET: 'an expression uses a secret that is not declared',
  E_INLINE_SECRET: 'a literal that looks like a credential; secrets belong in `secrets:`',
  E_INPUT_SPEC: 'an input declaration contradicts itself (default of the wrong type, bad pattern)',
  E_QUORUM: 'a quorum larger than its group',
  E_ON_ERROR: '`onError:` outside the checks of the first-line form, where it means nothing',
  E_ON_ERROR_ACTS: '`onError: fail` on a check guarding a remediation: it remediates when it cannot check',
  E_REGEX: 'a regular expression RE2 cannot run (a backreference or lookaround)',
  E_APPROVAL_PLACE:
    '`approval:` on a step that is not a first-line remediation (the general form has approve steps)',
} as const;

/** A stable code naming one kind of playbook problem. */
export type IssueCode = keyof typeof ISSUE_CODES;

/** One problem in a playbook, with where it is. */
export interface Issue {
  /** Stable code, e.g. `E_UNKNOWN_STEP`. */
  code: IssueCode;
  /** One plain sentence saying what is wrong and, where possible, what to do. */
  message: string;
  /** Where in the document, as `steps[2].on.fail`; empty for the whole document. */
  path: string;
  /** 1-based line in the source; 1 when the document has no source text. */
  line: number;
  /** 1-based column in the source; 1 when the document has no source text. */
  column: number;
  /** Errors make a playbook invalid; warnings do not. */
  severity: 'error' | 'warning';
}

/** What validation returns: `ok` is true when no issue is an error. */
export interface ValidationResult {
  /** True when the playbook can be compiled and run. */
  ok: boolean;
  /** Every issue found, errors and warnings, in document order. */
  issues: Issue[];
}

/** Orders issues by position, then code, so output is stable. */
export function sortIssues(issues: Issue[]): Issue[] {
  return issues.sort((a, b) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code));
}

/** Renders an issue the way compilers do: `file:line:col  CODE  message`. */
export function formatIssue(issue: Issue, file = '<playbook>'): string {
  const tag = issue.severity === 'warning' ? ' (warning)' : '';
  return `${file}:${issue.line}:${issue.column}  ${issue.code}${tag}  ${issue.message}`;
}
