// Regenerates definitions.json: the Kubernetes 1.27.1 OpenAPI definitions of the kinds Platform writes, as shipped
// (schema objects, MIT) by the npm packages kubernetes-models@4.3.1 and @kubernetes-models/apimachinery@1.2.2 (the
// last versions that ship the schemas as data rather than compiled validators).
//
//   mkdir x && cd x && npm pack kubernetes-models@4.3.1 @kubernetes-models/apimachinery@1.2.2
//   mkdir -p node_modules/@kubernetes-models/apimachinery node_modules/kubernetes-models node_modules/@kubernetes-models/validate
//   tar xzf kubernetes-models-4.3.1.tgz -C node_modules/kubernetes-models --strip-components=1
//   tar xzf kubernetes-models-apimachinery-1.2.2.tgz -C node_modules/@kubernetes-models/apimachinery --strip-components=1
//   node extract.js > definitions.json
const path = require("path");
const registered = {};
// The packages register each schema with @kubernetes-models/validate; collect them instead of compiling them.
const validate = path.join(process.cwd(), "node_modules/@kubernetes-models/validate/index.js");
require("fs").writeFileSync(validate, "exports.register = (id, schema) => { global.__schemas[id] = schema; };");
global.__schemas = registered;
const kinds = [
  "IoK8sApiAppsV1Deployment", "IoK8sApiCoreV1Service", "IoK8sApiCoreV1ServiceAccount", "IoK8sApiCoreV1Secret",
  "IoK8sApiRbacV1ClusterRole", "IoK8sApiRbacV1ClusterRoleBinding", "IoK8sApiRbacV1Role", "IoK8sApiRbacV1RoleBinding",
  "IoK8sApiPolicyV1PodDisruptionBudget", "IoK8sApiextensionsApiserverPkgApisApiextensionsV1CustomResourceDefinition",
  "IoK8sApiDiscoveryV1EndpointSlice",
];
for (const kind of kinds) require(path.join(process.cwd(), "node_modules/kubernetes-models/_schemas", kind + ".js")).addSchema();
// kubernetes-models leaves the x-kubernetes-* fields out of JSONSchemaProps; Kubernetes' API has them (apiextensions/v1).
const props = registered["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"].properties;
Object.assign(props, {
  "x-kubernetes-embedded-resource": { type: "boolean" },
  "x-kubernetes-int-or-string": { type: "boolean" },
  "x-kubernetes-list-map-keys": { type: "array", items: { type: "string" } },
  "x-kubernetes-list-type": { type: "string" },
  "x-kubernetes-map-type": { type: "string" },
  "x-kubernetes-preserve-unknown-fields": { type: "boolean" },
  "x-kubernetes-validations": { type: "array", items: { type: "object", required: ["rule"], properties: {
    rule: { type: "string" }, message: { type: "string" }, messageExpression: { type: "string" }, reason: { type: "string" },
    fieldPath: { type: "string" }, optionalOldSelf: { type: "boolean" } } } },
});
const sorted = Object.fromEntries(Object.keys(registered).sort().map(k => [k, registered[k]]));
process.stdout.write(JSON.stringify({ source: "kubernetes-models@4.3.1 + @kubernetes-models/apimachinery@1.2.2 (Kubernetes v1.27.1 OpenAPI)", definitions: sorted }, null, 1) + "\n");
