import { IntegrationError } from '../../src/integrations/integration-error';

/** What a refused call to an outside service threw, for its kind, status and code. */
export async function integrationFailure(call: Promise<unknown>): Promise<IntegrationError> {
  const error = await call.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(IntegrationError);
  return error as IntegrationError;
}
