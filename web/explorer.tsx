import './monaco-workers';
import 'graphiql/style.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { createRoot } from 'react-dom/client';

const endpoint = `${location.origin}/graphql`;
// Subscriptions open a graphql-ws socket whose connectionParams are the Headers tab (e.g. authorization).
const fetcher = createGraphiQLFetcher({ url: endpoint, subscriptionUrl: endpoint.replace(/^http/, 'ws') });

createRoot(document.getElementById('explorer')!).render(<GraphiQL fetcher={fetcher} />);
