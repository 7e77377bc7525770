// @hey-api/openapi-ts config (tools/generate_clients.sh): types, an SDK of one function per
// operation and the bundled fetch client (no runtime dependency), one job per spec into
// $CLIENTS_OUT/hey-api/<spec>/ (the script points CLIENTS_OUT at its staging directory;
// default build/clients).
//   node_modules/.bin/openapi-ts --file clients/openapi-ts.config.mjs
// The output is type-checked with tsc --strict (clients/generated.tsconfig.json).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.resolve(root, process.env.CLIENTS_OUT || 'build/clients', 'hey-api');

export default ['linkis-entrance', 'vias-task', 'admin'].map((spec) => ({
  input: path.join(root, 'openapi', `${spec}.yaml`),
  output: {
    path: path.join(out, spec),
    // The tsconfig the output is checked with (Bundler resolution: extensionless imports).
    tsConfigPath: path.join(root, 'clients', 'generated.tsconfig.json'),
  },
  plugins: ['@hey-api/typescript', '@hey-api/sdk', '@hey-api/client-fetch'],
  logs: { file: false }, // errors go to stderr, not to an openapi-ts-error-*.log in the repo
}));
