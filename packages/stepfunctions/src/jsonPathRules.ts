import type { StepFunctionsJsonPathTask } from '@firstline/core';
import { compileExpression } from '@firstline/core/internal';
import type { ActionNode } from '@firstline/core/internal';
import type { Context } from './jsonPath.js';
import { unsupported } from './unsupported.js';
import type { AslState } from './types.js';

// The JSONPath variant's Choice rules: how a runner's or a native task's answer is judged, and
// `expect` as a Choice rule where it is a comparison of output fields.

/**
 * How a runner's answer (`<answer>.result`: `{ outcome, output, forced? }`) is judged: its verdict `fail`,
 * then `expect` over its output unless a script forced the outcome, else `pass`. Each rule first checks the
 * answer is the runner's (a region choice may have run the native task instead).
 */
export function runnerRules(ctx: Context, node: ActionNode, answer: string): AslState[] {
  const result = `${answer}.result`;
  const present = { Variable: result, IsPresent: true };
  const rules: AslState[] = [
    { And: [present, { Variable: `${result}.outcome`, StringEquals: 'fail' }], Next: `${node.key}.fail` },
  ];
  if (node.expect !== undefined) {
    const forced = {
      And: [
        { Variable: `${result}.forced`, IsPresent: true },
        { Variable: `${result}.forced`, BooleanEquals: true },
      ],
    };
    const field = (name: string) => ({ variable: `${result}.output.${name}` });
    rules.push({
      And: [present, { Not: forced }, { Not: expectRule(ctx, node, field) }],
      Next: `${node.key}.fail`,
    });
  }
  rules.push({ ...present, Next: `${node.key}.pass` });
  return rules;
}

/** Where a native answer keeps an output field, or its Choice rule. */
export function nativeField(task: StepFunctionsJsonPathTask, answer: string) {
  return (name: string): { variable: string } | { rule: unknown } | undefined => {
    const condition = task.conditions?.[name];
    if (condition !== undefined) return { rule: under(condition, answer) };
    const path = task.output[name];
    return path === undefined ? undefined : { variable: `${answer}${path.slice(1)}` };
  };
}

/** A Choice rule over the answer, its `Variable`s moved under where the answer is kept. */
export function under(rule: unknown, answer: string): Record<string, unknown> {
  const move = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(move);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === 'Variable' && typeof v === 'string' ? `${answer}${v.slice(1)}` : move(v),
      ]),
    );
  };
  return move(rule) as Record<string, unknown>;
}

interface Ast {
  type: string;
  value?: unknown;
  steps?: Ast[];
  lhs?: Ast;
  rhs?: Ast;
  procedure?: Ast;
  arguments?: Ast[];
}

/** `expect` as a Choice rule: `output.<field>`, comparisons with literals, `and`, `or`, `$not`, `$exists`. */
export function expectRule(
  ctx: Context,
  node: ActionNode,
  fieldOf: (name: string) => { variable: string } | { rule: unknown } | undefined,
): unknown {
  const refuse = () =>
    unsupported(
      ctx.where(node.id),
      `queryLanguage JSONPath: expect \`${node.expect}\` is not a comparison of output fields a Choice can make; export with JSONata`,
    );
  const field = (ast: Ast): string => {
    const names =
      ast.type === 'path' ? (ast.steps ?? []).map((s) => (s.type === 'name' ? s.value : undefined)) : [];
    if (names.length !== 2 || names[0] !== 'output' || typeof names[1] !== 'string') throw refuse();
    return names[1];
  };
  const variable = (name: string) => {
    const found = fieldOf(name);
    if (!found || !('variable' in found)) throw refuse();
    return found.variable;
  };
  const compare = (op: string, lhs: Ast, rhs: Ast): unknown => {
    const name = field(lhs);
    const value = rhs.value;
    const kind = typeof value === 'number' ? 'Numeric' : typeof value === 'string' ? 'String' : undefined;
    const ops: Record<string, string> = {
      '=': 'Equals',
      '<': 'LessThan',
      '>': 'GreaterThan',
      '<=': 'LessThanEquals',
      '>=': 'GreaterThanEquals',
    };
    if (typeof value === 'boolean' && (op === '=' || op === '!='))
      return op === '='
        ? { Variable: variable(name), BooleanEquals: value }
        : { Not: { Variable: variable(name), BooleanEquals: value } };
    if (kind === undefined || (kind === 'String' && op !== '=' && op !== '!=')) throw refuse();
    if (op === '!=') return { Not: { Variable: variable(name), [`${kind}Equals`]: value } };
    const suffix = ops[op];
    if (suffix === undefined) throw refuse();
    return { Variable: variable(name), [`${kind}${suffix}`]: value };
  };
  const rule = (ast: Ast): unknown => {
    if (ast.type === 'path') {
      const found = fieldOf(field(ast));
      if (found && 'rule' in found) return found.rule;
      return { Variable: variable(field(ast)), BooleanEquals: true };
    }
    if (ast.type === 'binary' && (ast.value === 'and' || ast.value === 'or'))
      return { [ast.value === 'and' ? 'And' : 'Or']: [rule(ast.lhs!), rule(ast.rhs!)] };
    if (ast.type === 'binary' && typeof ast.value === 'string') return compare(ast.value, ast.lhs!, ast.rhs!);
    if (ast.type === 'function' && ast.procedure?.value === 'not' && ast.arguments?.length === 1)
      return { Not: rule(ast.arguments[0]!) };
    if (ast.type === 'function' && ast.procedure?.value === 'exists' && ast.arguments?.length === 1)
      return { Variable: variable(field(ast.arguments[0]!)), IsPresent: true };
    throw refuse();
  };
  return rule(compileExpression(node.expect!).ast() as Ast);
}
