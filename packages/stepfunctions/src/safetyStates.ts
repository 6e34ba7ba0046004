import type { ActionNode } from '@firstline/core/internal';
import type { Builder } from './builder.js';
import { field, literal, templateExpression } from './jsonata.js';
import { unsupported } from './unsupported.js';

// Locks and budgets as DynamoDB conditional writes on the table layout of @firstline/store-dynamodb:
// `pk` = `lock#<key>` / `budget#<key>`, `sk` = `lock` / `budget`, the same attributes and conditions,
// so runs of the state machine and runs of the engine (Lambda, CLI, server) share one lock and one count.

/** Extra lifetime past an item's logical expiry before DynamoDB's TTL may delete it, as the store keeps it. */
const TTL_GRACE_S = 3600;
/** How many lost races on one budget item a spend tries before the run fails, as the store does by default. */
const MAX_SPEND_ATTEMPTS = 5;

const dynamo = (api: string) => `arn:aws:states:::dynamodb:${api}`;

/**
 * The lock the run takes first: a conditional PutItem that wins when the item is free, lapsed or ours. A
 * lock held by another run ends this one `skipped` at once, without notifications, as the engine does.
 */
export function lockStates(b: Builder, next: string): void {
  const lock = b.ir.lock;
  if (!lock) return;
  if (lock.whenLocked === 'queue')
    throw unsupported(
      b.where(),
      'lock.whenLocked: queue waits for the holder to finish; a state machine can only poll for it, which the export does not do. Use whenLocked: skip (the default)',
    );
  const key = templateExpression(lock.key, b.where('lock'));
  b.add('__lock', {
    Type: 'Task',
    Comment: `one run per ${lock.key}: a conditional write on the lock item`,
    Resource: dynamo('putItem'),
    Arguments: field(`($key := $string(${key}); $now := $millis(); $until := $now + ${lock.ttlMs};
      { 'TableName': ${literal(b.options.table)},
        'Item': { 'pk': { 'S': 'lock#' & $key }, 'sk': { 'S': 'lock' }, 'owner': { 'S': $run.id }, 'key': { 'S': $key },
          'until': { 'N': $string($until) }, 'expiresAt': { 'N': $string($ceil($until / 1000) + ${TTL_GRACE_S}) } },
        'ConditionExpression': 'attribute_not_exists(pk) OR #until <= :now OR #owner = :owner',
        'ExpressionAttributeNames': { '#until': 'until', '#owner': 'owner' },
        'ExpressionAttributeValues': { ':now': { 'N': $string($now) }, ':owner': { 'S': $run.id } } })`),
    Assign: { lockKey: field(`$string(${key})`) },
    Catch: [
      {
        ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
        Assign: { outcome: 'skipped', run: field(`$merge([$run, { 'outcome': 'skipped' }])`) },
        Next: '__done',
      },
    ],
    Next: next,
  });
  b.add('__unlock', {
    Type: 'Task',
    Comment: 'lets go of the lock if this run still holds it',
    Resource: dynamo('deleteItem'),
    Arguments: field(`{ 'TableName': ${literal(b.options.table)},
      'Key': { 'pk': { 'S': 'lock#' & $lockKey }, 'sk': { 'S': 'lock' } },
      'ConditionExpression': '#owner = :owner',
      'ExpressionAttributeNames': { '#owner': 'owner' },
      'ExpressionAttributeValues': { ':owner': { 'S': $run.id } } }`),
    Catch: [{ ErrorEquals: ['States.ALL'], Next: '__done' }],
    Next: '__done',
  });
  b.approximate(
    'Lock and budget keys longer than DynamoDB allows (2 KB) are not replaced by their digest as @firstline/store-dynamodb does: keep them short.',
  );
}

/**
 * Before a budgeted step: per budget, read the item, decide as the store's `applySpend` does (a use of
 * this visit already counted passes; `max` uses in the window refuse), and write the new use with a
 * revision condition; a lost race reads again, at most five times. A refusal goes to `halted`.
 */
export function budgetStates(b: Builder, node: ActionNode, after: string, halted: string): void {
  const budgets = b.budgetsOf(node);
  if (budgets.length === 0) return;
  const visit = b.visit(node.id);
  b.add(halted, {
    Type: 'Pass',
    Assign: {
      r: field(
        `{ 'outcome': 'skipped', 'halted': true, 'visits': ${visit}, 'error': 'budget ' & $budgetKey & ' is spent: skipped' }`,
      ),
    },
    Next: `${node.key}.record`,
  });
  budgets.forEach(({ budget, index }, i) => {
    const read = `${node.key}.budget${i}`;
    const next = i + 1 < budgets.length ? `${node.key}.budget${i + 1}` : after;
    const key = templateExpression(budget.key, b.where(`budgets[${index}]`));
    const uses = `[$type($budget) = 'object' ? $each($budget.uses.M, function($v, $k) { { 'id': $k, 'at': $number($v.N) } }) : []]`;
    const useId = `$run.id & ':' & ${literal(node.id)} & ':' & $string(${visit})`;
    b.add(read, {
      Type: 'Task',
      Comment: `budget ${budget.key}: at most ${budget.max} of ${budget.actions.join(', ')} per ${budget.windowMs} ms`,
      Resource: dynamo('getItem'),
      Arguments: field(`{ 'TableName': ${literal(b.options.table)},
        'Key': { 'pk': { 'S': 'budget#' & $string(${key}) }, 'sk': { 'S': 'budget' } }, 'ConsistentRead': true }`),
      Assign: {
        budget: field('$exists($states.result.Item) ? $states.result.Item : null'),
        budgetKey: field(`$string(${key})`),
        budgetNow: field('$millis()'),
      },
      Next: `${read}.check`,
    });
    b.add(`${read}.check`, {
      Type: 'Choice',
      Choices: [
        { Condition: field(`$spendTries >= ${MAX_SPEND_ATTEMPTS}`), Next: `${read}.conflict` },
        { Condition: field(`$count(${uses}[id = ${useId}]) > 0`), Next: next },
        {
          Condition: field(`$count(${uses}[at > $budgetNow - ${budget.windowMs}]) >= ${budget.max}`),
          Next: halted,
        },
      ],
      Default: `${read}.spend`,
    });
    b.add(`${read}.conflict`, {
      Type: 'Fail',
      Error: 'Firstline.StoreConflict',
      Cause: `budget ${budget.key}: ${MAX_SPEND_ATTEMPTS} tries in a row lost to concurrent spenders; not spending it`,
    });
    b.add(`${read}.spend`, {
      Type: 'Task',
      Resource: dynamo('putItem'),
      Arguments: field(`($uses := ${uses};
        $window := $max([$exists($budget.windowMs.N) ? $number($budget.windowMs.N) : 0, ${budget.windowMs}]);
        $latest := $max([$budgetNow, $uses.at]);
        $kept := [$uses[at > $latest - $window]];
        $revision := $exists($budget.revision.N) ? $number($budget.revision.N) : 0;
        $merge([{ 'TableName': ${literal(b.options.table)},
          'Item': { 'pk': { 'S': 'budget#' & $budgetKey }, 'sk': { 'S': 'budget' }, 'key': { 'S': $budgetKey },
            'revision': { 'N': $string($revision + 1) },
            'uses': { 'M': $merge([{}, $kept.{ id: { 'N': $string(at) } }, { ${useId}: { 'N': $string($budgetNow) } }]) },
            'windowMs': { 'N': $string($window) },
            'expiresAt': { 'N': $string($ceil(($latest + $window) / 1000) + ${TTL_GRACE_S}) } } },
          $exists($budget.revision.N)
            ? { 'ConditionExpression': '#revision = :revision', 'ExpressionAttributeNames': { '#revision': 'revision' },
                'ExpressionAttributeValues': { ':revision': { 'N': $budget.revision.N } } }
            : { 'ConditionExpression': 'attribute_not_exists(pk)' }]))`),
      Assign: { spendTries: 0 },
      Catch: [
        {
          ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
          Assign: { spendTries: field('$spendTries + 1') },
          Next: read,
        },
      ],
      Next: next,
    });
  });
}
