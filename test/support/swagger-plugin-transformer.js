// ts-jest wrapper around the Nest CLI's Swagger plugin, so tests see the OpenAPI metadata that
// `nest build` generates (ts-jest needs `name`, `version` and `factory`).
const swaggerPlugin = require('@nestjs/swagger/plugin');

module.exports.name = 'nestjs-swagger-plugin';
module.exports.version = 1;
module.exports.factory = (tsCompiler) =>
  swaggerPlugin.before({ classValidatorShim: true, introspectComments: true }, tsCompiler.program);
