import type { ApolloServerPlugin } from '@apollo/server';
import { currentRequestId } from '../core/request-id';

/**
 * A GraphQL answer over HTTP that carries errors names its request (`extensions.requestId` of the answer,
 * beside `errors`), for the integrator to quote when reporting it.
 */
export const requestIdInErrors: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        const requestId = currentRequestId();
        if (!requestId || response.body.kind !== 'single' || !response.body.singleResult.errors?.length) return;
        response.body.singleResult.extensions = { ...response.body.singleResult.extensions, requestId };
      },
    };
  },
};
