/**
 * The page at /: GraphiQL served from the gateway itself (React, ReactDOM and GraphiQL UMD
 * bundles from node_modules), so it works with no internet access.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Router } from 'express';
import express from 'express';

const require = createRequire(import.meta.url);

/** Static asset name → file. */
function assets(): Record<string, string> {
  const graphiql = dirname(require.resolve('graphiql/package.json'));
  const react = dirname(require.resolve('react/package.json'));
  const reactDom = dirname(require.resolve('react-dom/package.json'));
  return {
    'react.js': join(react, 'umd/react.production.min.js'),
    'react-dom.js': join(reactDom, 'umd/react-dom.production.min.js'),
    'graphiql.js': join(graphiql, 'graphiql.min.js'),
    'graphiql.css': join(graphiql, 'graphiql.min.css'),
  };
}

const DEFAULT_QUERY = `# fleetgraph: one GraphQL API over the whole fleet.
# Which arm64 nodes are not ready, and where?
query NotReadyArm64 {
  nodes(where: { target: { architectures: [ARM64] }, readiness: NOT_READY }) {
    totalCount
    nodes { name site cluster { name state } readiness }
  }
  fleetSummary {
    clusters
    clustersByState { state count }
    groups { site architecture readiness nodes }
  }
}
`;

function page(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>fleetgraph</title>
<link rel="stylesheet" href="/_assets/graphiql.css">
<style>html,body,#graphiql{height:100%;margin:0}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/_assets/react.js"></script>
<script src="/_assets/react-dom.js"></script>
<script src="/_assets/graphiql.js"></script>
<script>
const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(DEFAULT_QUERY)}, defaultEditorToolsVisibility: true }),
);
</script>
</body>
</html>
`;
}

/** Routes for / and /_assets/*. */
export function landingPageRouter(): Router {
  const router = express.Router();
  const files = assets();
  router.get('/', (_req, res) => {
    res.type('html').send(page());
  });
  router.get('/_assets/:name', (req, res) => {
    const file = files[req.params.name];
    if (!file) {
      res.status(404).end();
      return;
    }
    res.sendFile(file, { maxAge: '1h' });
  });
  return router;
}
