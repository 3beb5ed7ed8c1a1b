import { Ctx, Field, FieldResolver, ID, InputType, ObjectType, Resolver, Root } from 'type-graphql';
import { QUESTION_LIMITS, QuestionKind, type ServiceQuestion } from '../catalog/service-questions';
import { BadInput } from '../core/errors';
import type { RequestContext } from '../core/context';
import { listCost } from '../graphql/limits';
import { text } from '../core/validate';
import { isParticipant } from './booking-access';
import { Booking } from './booking.entity';

@InputType('AnswerInput', { description: "An answer to one of the service's questions." })
export class AnswerInput {
  @Field(() => ID, { description: 'The question answered: its `id` on Service.questions.' }) questionId!: string;
  @Field({
    description: `TEXT: one line, at most ${QUESTION_LIMITS.answer} characters; CHOICE: one of its choices; YES_NO: "yes" or "no".`,
  })
  value!: string;
}

/**
 * An answer as the booking keeps it: with the question as it was asked, so that a provider who later
 * rewords or removes the question does not change what this customer agreed to answer.
 */
@ObjectType('BookingAnswer', { description: 'An answer given when booking, with the question as it was asked then.' })
export class BookingAnswer {
  @Field(() => ID, { description: "The question's id on the service." }) questionId!: string;
  @Field({ description: 'The question, worded as it was when answered.' }) question!: string;
  @Field(() => QuestionKind, { description: 'How it was answered.' }) kind!: QuestionKind;
  @Field({ description: 'The answer: the text, the choice, or "yes" / "no".' }) value!: string;
}

/**
 * The answers to a service's questions, in the questions' order, each refusal naming `answers.<questionId>`:
 * a required question unanswered, an unknown question, a choice not offered, a second answer.
 */
export function parseAnswers(questions: ServiceQuestion[], inputs: AnswerInput[] | null | undefined): BookingAnswer[] {
  const given = new Map<string, string>();
  for (const input of inputs ?? []) {
    const field = `answers.${input.questionId}`;
    if (!questions.some((question) => question.id === input.questionId))
      throw new BadInput(field, 'this service asks no such question');
    if (given.has(input.questionId)) throw new BadInput(field, 'is answered twice');
    given.set(input.questionId, input.value);
  }
  return questions.flatMap((question) => {
    const field = `answers.${question.id}`;
    const raw = given.get(question.id)?.trim() ?? '';
    if (raw === '') {
      if (question.required) throw new BadInput(field, `"${question.label}" must be answered`);
      return [];
    }
    const answer = { questionId: question.id, question: question.label, kind: question.kind };
    switch (question.kind) {
      case QuestionKind.YES_NO: {
        const value = raw.toLowerCase();
        if (value !== 'yes' && value !== 'no') throw new BadInput(field, `"${question.label}": answer "yes" or "no"`);
        return [{ ...answer, value }];
      }
      case QuestionKind.CHOICE:
        if (!question.choices.includes(raw))
          throw new BadInput(field, `"${question.label}": choose one of ${question.choices.join(', ')}`);
        return [{ ...answer, value: raw }];
      default:
        return [{ ...answer, value: text(field, raw, QUESTION_LIMITS.answer, { singleLine: true }) }];
    }
  });
}

@Resolver(() => Booking)
export class BookingAnswersResolver {
  @FieldResolver(() => [BookingAnswer], {
    description: `The answers to the service's questions given when booking, each with the question as asked then (at most ${QUESTION_LIMITS.questions}): the booking's participants only; empty for anyone else.`,
    complexity: listCost(1, QUESTION_LIMITS.questions),
  })
  async answers(@Ctx() ctx: RequestContext, @Root() booking: Booking): Promise<BookingAnswer[]> {
    return booking.answers.length > 0 && (await isParticipant(ctx, booking)) ? booking.answers : [];
  }
}
