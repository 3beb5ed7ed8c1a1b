import type { RequestHandler } from 'express';
import { WEB_ASSETS_PATH } from './web-assets';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphQL explorer</title>
<link rel="stylesheet" href="${WEB_ASSETS_PATH}/explorer.css">
<style>body { margin: 0; } #explorer { height: 100vh; }</style>
</head>
<body>
<div id="explorer"></div>
<script src="${WEB_ASSETS_PATH}/explorer.js"></script>
</body>
</html>
`;

// The order Apollo weighs them in when it decides whether a GET wants its landing page.
const MEDIA_TYPES = ['application/json', 'application/graphql-response+json', 'multipart/mixed', 'text/html'];

/** GraphiQL for a browser's GET /graphql; every other request (GET ?query= from a client, POST) goes on to GraphQL. */
export function explorerPage(): RequestHandler {
  return (req, res, next) => {
    if (req.accepts(MEDIA_TYPES) !== 'text/html') return next();
    res.type('html').send(PAGE);
  };
}
