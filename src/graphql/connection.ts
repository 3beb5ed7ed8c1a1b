import { types } from 'node:util';
import { Cursor, type EntityManager, type EntityName, type FilterQuery, type OrderDefinition } from '@mikro-orm/core';
import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { BadInput } from '../core/errors';

/** The most rows one page may ask for. */
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    defaultValue: 20,
    description: `How many rows this page holds, 1 to ${MAX_PAGE_SIZE} (BAD_USER_INPUT otherwise).`,
  })
  first!: number;

  @Field(() => String, {
    nullable: true,
    description:
      "Start after this row: the `endCursor` (or an edge's `cursor`) of the page before; omitted: the first page. Cursors stay valid when rows are added.",
  })
  after?: string | null;
}

@ObjectType('PageInfo', { description: 'Where a page lies in the whole list (Relay cursor connections).' })
export class PageInfo {
  @Field({ description: 'Whether rows follow this page: ask again with `after: endCursor`.' })
  hasNextPage!: boolean;

  @Field({ description: 'Whether rows come before this page (true when `after` was given).' })
  hasPreviousPage!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'Cursor of the first row of the page; null when the page is empty.',
  })
  startCursor!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Cursor of the last row of the page, for the next page's `after`; null when the page is empty.",
  })
  endCursor!: string | null;
}

/** What a connection resolver answers; the GraphQL types made by `connectionType` read it. */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * The GraphQL types `<Name>Connection` and `<Name>Edge` of a list of `node`s; a new connection is
 * `connectionType(Review, 'Review')` and a resolver answering `paginate(...)`.
 */
export function connectionType<T extends object>(node: ClassType<T>, name: string): ClassType<Page<T>> {
  @ObjectType(`${name}Edge`, { description: `One ${name} of a page, with its cursor.` })
  class Edge {
    @Field({ description: 'Opaque position of this row; pass it as `after` to read the rows that follow.' })
    cursor!: string;

    @Field(() => node, { description: `The ${name}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, {
    description: `A page of ${name} rows, in a stable order, with the total across all pages.`,
  })
  class Connection {
    @Field(() => [Edge], { description: 'The rows of this page with their cursors.' })
    edges!: Edge[];

    @Field(() => [node], { description: 'The rows of this page, when cursors per row are not needed.' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Whether more rows follow, and the cursors to get them.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Rows in the whole list (every page), with the same filters.' })
    totalCount!: number;
  }
  return Connection;
}

/** Refuses an `after` that is not a cursor of a list ordered by `keys` columns (no row's order values). */
function checkCursor(after: string, keys: number): void {
  let decoded: unknown;
  try {
    decoded = Cursor.decode(after);
  } catch {
    decoded = undefined;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== keys ||
    decoded.some((value) => value === null || (typeof value === 'object' && !types.isDate(value)))
  ) {
    throw new BadInput('after', 'is not a cursor of this list');
  }
}

/**
 * One page of `entity` rows matching `where` in `orderBy` order (which must end in a unique column, so
 * that a cursor names one place). Keyset paging: a cursor encodes the order values of its row, so rows
 * added elsewhere never shift a page. Two queries: the page, and the count.
 */
export async function paginate<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  orderBy: OrderDefinition<T>,
  page: PageArgs,
): Promise<Page<T>> {
  if (!Number.isInteger(page.first) || page.first < 1 || page.first > MAX_PAGE_SIZE)
    throw new BadInput('first', `must be from 1 to ${MAX_PAGE_SIZE}`);
  if (page.after != null) checkCursor(page.after, Object.keys(orderBy as object).length);
  const cursor = await em.findByCursor(entity, where, {
    first: page.first,
    after: page.after ?? undefined,
    orderBy,
    includeCount: true,
  });
  const nodes = cursor.items as T[];
  return {
    edges: nodes.map((node) => ({ cursor: cursor.from(node), node })),
    nodes,
    pageInfo: {
      hasNextPage: cursor.hasNextPage,
      hasPreviousPage: cursor.hasPrevPage,
      startCursor: cursor.startCursor,
      endCursor: cursor.endCursor,
    },
    totalCount: cursor.totalCount,
  };
}
