// Validates the gateway's /v1/openapi.json with an external OpenAPI validator
// (@apidevtools/swagger-parser), and checks that it is complete for the routes
// the gateway answers. Exits non-zero on any problem.
import SwaggerParser from '@apidevtools/swagger-parser';
import { Cluster } from './cluster.mjs';

const cluster = new Cluster();
let failed = false;
try {
  // The document needs no controller: the gateway connects lazily.
  cluster.controllerPort = 1;
  await cluster.startGateway();
  const res = await fetch(`${cluster.gatewayUrl}/v1/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /v1/openapi.json: HTTP ${res.status}`);
  const doc = await res.json();
  const api = await SwaggerParser.validate(structuredClone(doc));
  // Every operation but the document itself names the API key header.
  const scheme = doc.components.securitySchemes?.ApiKey;
  if (!scheme || scheme.type !== 'apiKey' || scheme.in !== 'header' || scheme.name !== 'X-Gureum-Api-Key') {
    throw new Error('no apiKey security scheme for the X-Gureum-Api-Key header');
  }
  if (!doc.security?.some((s) => 'ApiKey' in s)) throw new Error('the document requires no API key');
  let operations = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      operations++;
      if (!op.operationId || !op.responses) throw new Error(`${method} ${path}: incomplete`);
      // Every route in the document is served: a request never meets "no route".
      if (path.includes('{')) continue;
      if (method === 'get' && path !== '/v1/events') {
        const probe = await fetch(`${cluster.gatewayUrl}${path}`);
        const body = await probe.json();
        if (body.code === 'NotFound' || body.code === 'MethodNotAllowed') {
          throw new Error(`${method} ${path} is documented but not routed`);
        }
      }
    }
  }
  console.log(`openapi: ${api.info.title} ${api.info.version}, OpenAPI ${api.openapi}: valid; ` +
    `${Object.keys(doc.paths).length} paths, ${operations} operations, ` +
    `${Object.keys(doc.components.schemas).length} schemas`);
  console.log('1 passed, 0 failed');
} catch (err) {
  failed = true;
  console.error(`openapi: INVALID: ${err.message}`);
  if (err.details) console.error(JSON.stringify(err.details, null, 2).slice(0, 4000));
  console.log('0 passed, 1 failed');
} finally {
  await cluster.stop();
}
process.exit(failed ? 1 : 0);
