import { Field, ObjectType } from 'type-graphql';
import { WebhookEndpoint } from './webhook.entity';

@ObjectType('WebhookEndpointCreated', { description: 'A newly registered endpoint and its signing secret.' })
export class WebhookEndpointCreated {
  @Field(() => WebhookEndpoint, { description: 'The endpoint registered.' }) endpoint!: WebhookEndpoint;
  @Field({ description: "Shown once: the receiver verifies each delivery's signature with it." }) secret!: string;
}
