import express, { Router } from 'express';
import type { AppContext } from '../context.js';
import { requireContentType } from '../http/error-middleware.js';
import { parseRequest } from '../http/parse.js';
import { flowDiffQuerySchema, variantDiffQuerySchema } from './diff.schemas.js';
import { DiffsService } from './diffs.service.js';
import {
  createFlowBodySchema,
  exportQuerySchema,
  flowParamsSchema,
  IMPORT_CONTENT_TYPES,
  importBodySchema,
  importQuerySchema,
  labelParamsSchema,
  noQuerySchema,
  restoreVersionBodySchema,
  setLabelBodySchema,
  updateFlowBodySchema,
  versionParamsSchema,
} from './flows.schemas.js';
import { FlowsService } from './flows.service.js';

/**
 * `/api/flows…`: flows, their versions (history, diffs, restore) and labels, YAML import and export. `:flow` is an id
 * or a name.
 */
export function flowsRouter(context: AppContext): Router {
  const service = new FlowsService(context);
  const diffs = new DiffsService(context);
  const json = requireContentType('application/json');
  const router = Router();

  router.get('/flows', (request, response) => {
    parseRequest(noQuerySchema, request.query, 'query');
    response.json({ flows: service.list() });
  });

  router.post('/flows', json, (request, response) => {
    parseRequest(noQuerySchema, request.query, 'query');
    const body = parseRequest(createFlowBodySchema, request.body, 'body');
    response.status(201).json(service.create(body.flow, body.note));
  });

  router.post(
    '/flows/import',
    requireContentType(...IMPORT_CONTENT_TYPES),
    express.text({ type: IMPORT_CONTENT_TYPES, limit: context.config.bodyLimit }),
    (request, response) => {
      const query = parseRequest(importQuerySchema, request.query, 'query');
      const text = parseRequest(importBodySchema, request.body, 'body');
      const result = service.importYaml(text, query.note);
      response.status(result.created ? 201 : 200).json(result);
    },
  );

  router.get('/flows/:flow', (request, response) => {
    const { flow } = parseRequest(flowParamsSchema, request.params, 'params');
    parseRequest(noQuerySchema, request.query, 'query');
    response.json(service.get(flow));
  });

  router.put('/flows/:flow', json, (request, response) => {
    const { flow } = parseRequest(flowParamsSchema, request.params, 'params');
    parseRequest(noQuerySchema, request.query, 'query');
    const body = parseRequest(updateFlowBodySchema, request.body, 'body');
    response.json(service.update(flow, body.flow, { note: body.note, baseVersion: body.baseVersion }));
  });

  router.delete('/flows/:flow', (request, response) => {
    const { flow } = parseRequest(flowParamsSchema, request.params, 'params');
    parseRequest(noQuerySchema, request.query, 'query');
    service.delete(flow);
    response.status(204).end();
  });

  router.get('/flows/:flow/versions', (request, response) => {
    const { flow } = parseRequest(flowParamsSchema, request.params, 'params');
    parseRequest(noQuerySchema, request.query, 'query');
    response.json(service.versions(flow));
  });

  router.get('/flows/:flow/versions/:version', (request, response) => {
    const { flow, version } = parseRequest(versionParamsSchema, request.params, 'params');
    parseRequest(noQuerySchema, request.query, 'query');
    response.json({ version: service.version(flow, version) });
  });

  router.post('/flows/:flow/versions/:version/restore', json, (request, response) => {
    const { flow, version } = parseRequest(versionParamsSchema, request.params, 'params');
    parseRequest(noQuerySchema, request.query, 'query');
    const body = parseRequest(restoreVersionBodySchema, request.body, 'body');
    const result = service.restore(flow, version, body?.note);
    response.status(result.unchanged ? 200 : 201).json(result);
  });

  router.get('/flows/:flow/diff', (request, response) => {
    const { flow } = parseRequest(flowParamsSchema, request.params, 'params');
    const query = parseRequest(flowDiffQuerySchema, request.query, 'query');
    response.json(diffs.diff(flow, query));
  });

  router.get('/flows/:flow/variant-diff', (request, response) => {
    const { flow } = parseRequest(flowParamsSchema, request.params, 'params');
    const query = parseRequest(variantDiffQuerySchema, request.query, 'query');
    response.json(diffs.variantDiff(flow, query));
  });

  router.get('/flows/:flow/labels', (request, response) => {
    const { flow } = parseRequest(flowParamsSchema, request.params, 'params');
    parseRequest(noQuerySchema, request.query, 'query');
    response.json({ labels: service.labels(flow) });
  });

  router.put('/flows/:flow/labels/:label', json, (request, response) => {
    const { flow, label } = parseRequest(labelParamsSchema, request.params, 'params');
    parseRequest(noQuerySchema, request.query, 'query');
    const body = parseRequest(setLabelBodySchema, request.body, 'body');
    response.json(service.setLabel(flow, label, body.version));
  });

  router.delete('/flows/:flow/labels/:label', (request, response) => {
    const { flow, label } = parseRequest(labelParamsSchema, request.params, 'params');
    parseRequest(noQuerySchema, request.query, 'query');
    service.deleteLabel(flow, label);
    response.status(204).end();
  });

  router.get('/flows/:flow/export', (request, response) => {
    const { flow } = parseRequest(flowParamsSchema, request.params, 'params');
    const query = parseRequest(exportQuerySchema, request.query, 'query');
    const exported = service.exportYaml(flow, query.version);
    // Flow names are letters, digits, _, . and -: the file name needs no escaping.
    response
      .set('Content-Disposition', `attachment; filename="${exported.fileName}"`)
      .type('application/yaml; charset=utf-8')
      .send(exported.yaml);
  });

  return router;
}
