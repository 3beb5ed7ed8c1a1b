import { Field, ObjectType } from 'type-graphql';
import { WebhookEndpoint } from './webhook.entity';

@ObjectType('WebhookEndpointCreated')
export class WebhookEndpointCreated {
  @Field(() => WebhookEndpoint) endpoint!: WebhookEndpoint;
  @Field({ description: 'Shown once: the receiver verifies each delivery\'s signature with it.' }) secret!: string;
}
