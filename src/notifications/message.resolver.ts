import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { connectionType, PageArgs, type Page } from '../graphql/connection';
import type { RequestContext } from '../core/context';
import { Message } from './message.entity';
import type { NotificationService } from './notification.service';
import { listCost, MAX_ROWS, pageCost } from '../graphql/limits';

const MessageConnection = connectionType(Message, 'Message');

@Resolver(() => Message)
export class MessageResolver {
  constructor(private readonly notifications: NotificationService) {}

  @Authorized()
  @Query(() => [Message], {
    description: `The caller's notifications, newest first; at most ${MAX_ROWS.messages}, older ones cut off silently (myMessagesConnection reads them all).`,
    deprecationReason: 'use myMessagesConnection',
    complexity: listCost(10, MAX_ROWS.messages),
  })
  myMessages(@Ctx() ctx: RequestContext): Promise<Message[]> {
    return this.notifications.myMessages(ctx);
  }

  @Authorized()
  @Query(() => MessageConnection, {
    description: "The caller's notifications, newest first, a page at a time.",
    complexity: pageCost(10),
  })
  myMessagesConnection(@Ctx() ctx: RequestContext, @Args(() => PageArgs) page: PageArgs): Promise<Page<Message>> {
    return this.notifications.myMessagesConnection(ctx, page);
  }
}
