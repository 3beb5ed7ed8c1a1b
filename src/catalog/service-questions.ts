import { Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { BadInput } from '../core/errors';
import { text } from '../core/validate';

/** How a booking question is answered. */
export enum QuestionKind {
  TEXT = 'TEXT',
  CHOICE = 'CHOICE',
  YES_NO = 'YES_NO',
}

registerEnumType(QuestionKind, {
  name: 'QuestionKind',
  description: 'How a booking question is answered.',
  valuesConfig: {
    TEXT: { description: 'A short text, one line, at most 500 characters.' },
    CHOICE: { description: "One of the question's `choices`, written exactly as listed." },
    YES_NO: { description: '"yes" or "no".' },
  },
});

/** At most this many questions per service, choices per question, and characters per answer. */
export const QUESTION_LIMITS = { questions: 20, choices: 20, label: 300, choice: 100, answer: 500 };

/** A question a service asks whoever books it, stored on the service (a JSON list). */
@ObjectType('ServiceQuestion', {
  description: 'A question the provider asks whoever books the service; answered in `answers` of book.',
})
export class ServiceQuestion {
  @Field(() => ID, { description: 'Stable within the service: answers name it in `questionId`.' }) id!: string;
  @Field({ description: 'The question as asked, e.g. "Do you bring a dog?".' }) label!: string;
  @Field(() => QuestionKind, { description: 'How it is answered.' }) kind!: QuestionKind;
  @Field({ description: 'Whether a booking must answer it (else BAD_USER_INPUT on `answers.<id>`).' })
  required!: boolean;
  @Field(() => [String], { description: 'For CHOICE: the answers to choose from; empty otherwise.' })
  choices!: string[];
}

@InputType('ServiceQuestionInput', { description: 'A booking question of a service.' })
export class ServiceQuestionInput {
  @Field(() => ID, {
    nullable: true,
    description:
      "Keep an existing question's id to keep it the same question (letters, digits, - and _, at most 40); omitted: a new id is given.",
  })
  id?: string | null;
  @Field({ description: `The question, one line, at most ${QUESTION_LIMITS.label} characters.` }) label!: string;
  @Field(() => QuestionKind, { description: 'TEXT, CHOICE or YES_NO.' }) kind!: QuestionKind;
  @Field(() => Boolean, { nullable: true, description: 'Whether it must be answered (default false).' })
  required?: boolean | null;
  @Field(() => [String], {
    nullable: true,
    description: `For CHOICE: 2 to ${QUESTION_LIMITS.choices} distinct answers, each one line of at most ${QUESTION_LIMITS.choice} characters.`,
  })
  choices?: string[] | null;
}

const QUESTION_ID = /^[A-Za-z0-9_-]{1,40}$/;

/** The checked list of questions a service will ask, each refusal naming `questions.<index>.<field>`. */
export function parseQuestions(inputs: ServiceQuestionInput[]): ServiceQuestion[] {
  if (inputs.length > QUESTION_LIMITS.questions)
    throw new BadInput('questions', `a service asks at most ${QUESTION_LIMITS.questions} questions`);
  const given = new Set(inputs.map((input) => input.id).filter((id): id is string => !!id));
  let next = 1;
  const freshId = () => {
    while (given.has(`q${next}`)) next += 1;
    given.add(`q${next}`);
    return `q${next}`;
  };
  const seen = new Set<string>();
  return inputs.map((input, index) => {
    const field = `questions.${index}`;
    if (input.id != null && !QUESTION_ID.test(input.id))
      throw new BadInput(`${field}.id`, 'must be 1 to 40 letters, digits, - or _');
    const id = input.id ?? freshId();
    if (seen.has(id)) throw new BadInput(`${field}.id`, `is used by another question: ${id}`);
    seen.add(id);
    const choices = (input.choices ?? []).map((choice, at) =>
      text(`${field}.choices.${at}`, choice, QUESTION_LIMITS.choice, { singleLine: true }),
    );
    if (input.kind === QuestionKind.CHOICE) {
      if (choices.length < 2 || choices.length > QUESTION_LIMITS.choices)
        throw new BadInput(`${field}.choices`, `a CHOICE question needs 2 to ${QUESTION_LIMITS.choices} choices`);
      if (new Set(choices).size !== choices.length) throw new BadInput(`${field}.choices`, 'must be distinct');
    } else if (choices.length > 0) throw new BadInput(`${field}.choices`, 'only a CHOICE question has choices');
    return {
      id,
      label: text(`${field}.label`, input.label, QUESTION_LIMITS.label, { singleLine: true }),
      kind: input.kind,
      required: input.required ?? false,
      choices,
    };
  });
}
