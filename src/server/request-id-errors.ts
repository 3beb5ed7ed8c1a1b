import type { ApolloServerPlugin } from '@apollo/server';
import { currentRequestId } from '../core/request-id';

/** Every error of a GraphQL answer over HTTP carries the request's id (`extensions.requestId`), to quote when reporting it. */
export const requestIdInErrors: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        const requestId = currentRequestId();
        if (!requestId || response.body.kind !== 'single') return;
        for (const error of response.body.singleResult.errors ?? [])
          (error as { extensions?: Record<string, unknown> }).extensions = { ...error.extensions, requestId };
      },
    };
  },
};
