import { Field, InputType, ObjectType } from 'type-graphql';
import { parseEmail } from '../accounts/email';
import { BadInput } from '../core/errors';
import { optionalText, text } from '../core/validate';

/** Who a booking is for when not the account holder, as stored on the booking (a JSON column). */
@ObjectType('Contact', {
  description: "Who the booking is for, when not the account holder; shown to the booking's participants only.",
})
export class Contact {
  @Field({ description: "The guest's name." }) name!: string;
  @Field({ description: "The guest's email address; booking emails go to it as well as to the account holder." })
  email!: string;
  @Field(() => String, { nullable: true, description: "The guest's phone number, as given." }) phone?: string | null;
  @Field(() => String, { nullable: true, description: "The guest's company, as given." }) company?: string | null;
}

@InputType('ContactInput', { description: 'Who the booking is for, when not the account holder.' })
export class ContactInput {
  @Field({ description: "The guest's name, 1 to 200 characters on one line." }) name!: string;
  @Field({ description: "The guest's email address; booking emails go to it too." }) email!: string;
  @Field(() => String, {
    nullable: true,
    description: 'A phone number: digits, spaces and + ( ) - . /, at most 40 characters.',
  })
  phone?: string | null;
  @Field(() => String, { nullable: true, description: 'A company name, at most 200 characters.' }) company?:
    | string
    | null;
}

const PHONE = /^\+?[0-9 ()./-]{3,40}$/;

/** A checked contact, each refusal naming its field under `contact.`; null when none was given. */
export function parseContact(input: ContactInput | null | undefined): Contact | null {
  if (!input) return null;
  const phone = optionalText('contact.phone', input.phone, 40, { singleLine: true });
  if (phone && !PHONE.test(phone))
    throw new BadInput('contact.phone', 'must be a phone number: digits, spaces and + ( ) - . /');
  return {
    name: text('contact.name', input.name, 200, { singleLine: true }),
    email: parseEmail(input.email, 'contact.email'),
    phone,
    company: optionalText('contact.company', input.company, 200, { singleLine: true }),
  };
}
