// orval config (tools/generate_clients.sh): TanStack Query (React) hooks over fetch, the
// usual front-end setup, one project per spec into $CLIENTS_OUT/orval/<spec>/ (the script
// points CLIENTS_OUT at its staging directory; default build/clients).
//   node_modules/.bin/orval --config clients/orval.config.cjs
// The output is type-checked with tsc --strict (clients/generated.tsconfig.json).
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.resolve(root, process.env.CLIENTS_OUT || 'build/clients', 'orval');

const project = (spec) => ({
  input: { target: path.join(root, 'openapi', `${spec}.yaml`) },
  output: {
    target: path.join(out, spec, `${spec}.ts`), // operations; models in <spec>.schemas.ts
    mode: 'split',
    client: 'react-query',
    httpClient: 'fetch', // no axios: only @tanstack/react-query is needed at run time
    clean: true,
  },
});

module.exports = {
  'linkis-entrance': project('linkis-entrance'),
  'vias-task': project('vias-task'),
  admin: project('admin'),
};
