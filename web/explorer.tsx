import './monaco-workers';
import 'graphiql/style.css';
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';

const endpoint = `${location.origin}/graphql`;
// Subscriptions open a graphql-ws socket whose connectionParams are the Headers tab's headers.
const toolkitFetcher = createGraphiQLFetcher({ url: endpoint, subscriptionUrl: endpoint.replace(/^http/, 'ws') });
// Header names are case-insensitive in HTTP but not in connectionParams, where the server reads `authorization`.
const fetcher: Fetcher = (params, options) =>
  toolkitFetcher(
    params,
    options && {
      ...options,
      headers: Object.fromEntries(
        Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
      ),
    },
  );

createRoot(document.getElementById('explorer')!).render(<GraphiQL fetcher={fetcher} />);
