import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../core/context';
import { Message } from './message.entity';
import type { NotificationService } from './notification.service';
import { listCost, MAX_ROWS } from '../core/limits';

@Resolver(() => Message)
export class MessageResolver {
  constructor(private readonly notifications: NotificationService) {}

  @Authorized()
  @Query(() => [Message], { description: `The caller's notifications, newest first; at most ${MAX_ROWS.messages}.`, complexity: listCost(10) })
  myMessages(@Ctx() ctx: RequestContext): Promise<Message[]> {
    return this.notifications.myMessages(ctx);
  }
}
