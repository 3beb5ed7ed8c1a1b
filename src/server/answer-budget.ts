import type { ApolloServerPlugin } from '@apollo/server';
import {
  defaultFieldResolver,
  GraphQLError,
  OperationTypeNode,
  type GraphQLFormattedError,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { DomainError } from '../core/errors';
import { ANSWER_LIMITS } from '../graphql/limits';

/**
 * What an operation's answer holds so far, in cost units (a field 1, a long text a unit per 100
 * characters: about 100 bytes of JSON each). Kept on the operation's context under a symbol, as its
 * deadline is: Apollo runs each operation on a copy of the context, which shares this object.
 */
const SPENT = Symbol('answer');
interface Spent {
  units: number;
  /** The answer went over ANSWER_LIMITS.operation, or found the process's budget spent or no turn free. */
  refused?: AnswerTooLarge | ServerBusy;
  /** A heavy operation holding one of the turns (takeTurn). */
  turn?: boolean;
}
type WithSpent = { [SPENT]?: Spent };

const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

/** Units held by the answers of every operation still running in this process. */
let inFlight = 0;

class AnswerTooLarge extends DomainError {
  constructor() {
    super(
      'RESPONSE_TOO_LARGE',
      `The answer would hold more than ${ANSWER_LIMITS.operation} units (a value is 1, a long text 1 per 100 characters): ask for fewer rows or fields (a shorter window, a smaller first, fewer aliases)`,
    );
  }
}

class ServerBusy extends DomainError {
  constructor() {
    super(
      'SERVICE_UNAVAILABLE',
      'The server is busy answering other large requests; retry in a moment, or ask for less',
    );
  }
}

/** Starts counting an operation's answer (HTTP and WebSocket queries and mutations; subscriptions are not counted). */
export function startAnswer(context: object): void {
  (context as WithSpent)[SPENT] = { units: 0 };
}

/** No turn came: nothing of the operation ran, so it may be sent again (503, whatever the operation). */
const busy = () =>
  new GraphQLError(new ServerBusy().message, {
    originalError: new ServerBusy(),
    extensions: { http: { status: 503, headers: new Map([['retry-after', '1']]) } },
  });

/** Heavy operations running, and those waiting for a turn (oldest first). */
let heavyRunning = 0;
const waiting: (() => void)[] = [];

/**
 * An operation whose cost (at worst) is over ANSWER_LIMITS.heavyCost is heavy: it may read and build
 * much, which takes the event loop for a while. `heavyAtOnce` of them run at once, the others wait
 * their turn in order (at most `heavyWaiting` of them, each at most `heavyWaitMs`, else the server is
 * busy: 503), so that light requests (and /health) are never queued behind many at once.
 */
export async function takeTurn(context: object, cost: number): Promise<void> {
  const spent = (context as WithSpent)[SPENT];
  if (!spent || cost <= ANSWER_LIMITS.heavyCost) return;
  if (heavyRunning < ANSWER_LIMITS.heavyAtOnce) heavyRunning += 1;
  else if (waiting.length >= ANSWER_LIMITS.heavyWaiting) throw busy();
  else
    await new Promise<void>((resolve, reject) => {
      const turn = () => {
        clearTimeout(timer);
        resolve(); // the turn is handed over: heavyRunning stays as it is
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(turn), 1);
        reject(busy());
      }, ANSWER_LIMITS.heavyWaitMs);
      waiting.push(turn);
    });
  spent.turn = true;
}

/** The operation is answered: what its answer held no longer counts against the process, and its turn passes on. */
export function endAnswer(context: object): void {
  const spent = (context as WithSpent)[SPENT];
  if (!spent) return;
  inFlight -= spent.units;
  spent.units = 0;
  if (!spent.turn) return;
  spent.turn = false;
  const next = waiting.shift();
  if (next) next();
  else heavyRunning -= 1;
}

/**
 * The refusal a query's answer is replaced with, whole, when it went over a budget: a cut list would
 * pass for a complete one. A mutation's answer is kept (what it did is done), with the refused lists in
 * its errors.
 */
export function refusedAnswer(
  context: object,
  operation: () => OperationTypeNode | undefined,
): AnswerRefusal | undefined {
  const refused = (context as WithSpent)[SPENT]?.refused;
  if (!refused || operation() === OperationTypeNode.MUTATION) return undefined;
  return refused instanceof ServerBusy
    ? { status: 503, error: { message: refused.message, extensions: { code: refused.code } } }
    : { status: 400, error: { message: refused.message, extensions: { code: refused.code } } };
}

export interface AnswerRefusal {
  status: number;
  error: GraphQLFormattedError;
}

/** Counts every HTTP operation's answer, and refuses a query's whole when it went over a budget (400, or 503 when busy). */
export const answerBudgetPlugin: ApolloServerPlugin<object> = {
  async requestDidStart({ contextValue }) {
    startAnswer(contextValue);
    return {
      async willSendResponse({ contextValue: context, response, operation }) {
        endAnswer(context);
        const refusal = refusedAnswer(context, () => operation?.operation);
        if (!refusal || response.body.kind !== 'single') return;
        response.body.singleResult = { errors: [refusal.error] };
        response.http.status = refusal.status;
        if (refusal.status === 503) response.http.headers.set('retry-after', '1');
      },
    };
  },
};

/**
 * What one row of a list costs: each field selected in it its `complexity` (1 unless a long text),
 * fields of objects it holds included, lists it holds excluded (they count their own rows). Kept per
 * field node: an operation's document is parsed once and kept.
 */
const rowCosts = new WeakMap<FieldNode, number>();
function rowCost(info: GraphQLResolveInfo): number {
  const node = info.fieldNodes[0];
  let cost = rowCosts.get(node);
  if (cost === undefined) {
    const fragments = new Map<string, number>();
    const costOf = (selectionSet: SelectionSetNode | undefined, type: GraphQLNamedType): number => {
      let sum = 0;
      for (const selection of selectionSet?.selections ?? []) {
        if (selection.kind === Kind.FIELD) {
          const field = isObjectType(type) ? type.getFields()[selection.name.value] : undefined;
          const own = field?.extensions.complexity;
          sum += typeof own === 'number' ? own : 1;
          if (field && selection.selectionSet && !isListType(getNullableType(field.type)))
            sum += costOf(selection.selectionSet, getNamedType(field.type));
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const on = selection.typeCondition ? info.schema.getType(selection.typeCondition.name.value) : type;
          sum += on ? costOf(selection.selectionSet, on) : 0;
        } else {
          const name = selection.name.value;
          if (!fragments.has(name)) {
            const fragment = info.fragments[name];
            const on = fragment && info.schema.getType(fragment.typeCondition.name.value);
            fragments.set(name, on ? costOf(fragment.selectionSet, on) : 0);
          }
          sum += fragments.get(name)!;
        }
      }
      return sum;
    };
    cost = Math.max(1, costOf(node.selectionSet, getNamedType(info.returnType)));
    rowCosts.set(node, cost);
  }
  return cost;
}

/** Adds a list's rows to its operation's answer; refuses it once over the operation's or the process's budget. */
function charge(spent: Spent, rows: unknown, info: GraphQLResolveInfo): unknown {
  if (!Array.isArray(rows) || rows.length === 0) return rows;
  const units = rows.length * rowCost(info);
  spent.units += units;
  inFlight += units;
  if (spent.units > ANSWER_LIMITS.operation) spent.refused = new AnswerTooLarge();
  else if (inFlight > ANSWER_LIMITS.process) spent.refused = new ServerBusy();
  if (spent.refused) throw spent.refused;
  return rows;
}

/**
 * Counts what each list of objects adds to its operation's answer, as it is read: the cost analysis
 * (operation-limits.ts) bounds an operation by what its lists could hold at most, this by what they do
 * hold. Past the operation's budget, or the process's (every answer being built at once), the list is
 * refused and no further list of the operation is read. Operations run without startAnswer (the
 * calendar page's own reads) are not counted.
 */
export function countAnswers(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (!isListType(getNullableType(field.type)) || !isObjectType(getNamedType(field.type))) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context, info) => {
        const spent = (context as WithSpent | undefined)?.[SPENT];
        if (!spent) return resolve(source, args, context, info);
        if (spent.refused) throw spent.refused;
        const rows = resolve(source, args, context, info);
        return isPromise(rows) ? rows.then((value) => charge(spent, value, info)) : charge(spent, rows, info);
      };
    }
  }
  return schema;
}
