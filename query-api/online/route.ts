// /v1/online — champion vs challenger on live traffic. Declaring an experiment ties it to the
// model registry (its variants are versions of a registered model, or aliases resolved to them)
// and needs scope `registry`; reading it and its analysis, `read`. Outcomes arrive as
// OutcomeBatch events (the SDKs' outcome loggers, or POST /v1/ingest/events), never through
// these routes. POST /v1/online/analysis is a read, and a route evidence can save
// (POST /v1/evidence), so a promotion can cite it.
import { Type } from '@sinclair/typebox';
import { actorOf, projectOf } from '../../common/http/auth.ts';
import { loadCatalogue } from '../../schemas/catalogue.ts';
import { getOnlineExperiments } from '../../storage/online.ts';
import type { App, AppDeps } from '../deps.ts';
import type { EventWriter } from '../writes.ts';
import { AuthErrors, ErrorBody } from '../http/schemas.ts';
import { AnalysisBody, AnalysisJson, DeclareBody, ExperimentJson } from './schemas.ts';
import { analyse, declare, experimentJson, getExperiment, type OnlineDeps } from './service.ts';

export function onlineRoutes(writer: EventWriter) {
  return async (app: App, deps: AppDeps): Promise<void> => {
    const online: OnlineDeps = { clickhouse: deps.clickhouse, writer, catalogue: loadCatalogue() };

    app.post('/v1/online/experiments', {
      config: { scope: 'registry' },
      schema: {
        summary: 'Declare an online experiment: the registered model versions it compares, the control, the metrics and their roles. Declared again: its name, description and status may change and secondary metrics be added; the rest is its design (409)',
        body: DeclareBody,
        response: { 200: ExperimentJson, 201: ExperimentJson, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, ...AuthErrors },
      },
    }, async (req, reply) => {
      const { experiment, created } = await declare(online, projectOf(req), actorOf(req), req.body);
      return reply.status(created ? 201 : 200).send(experimentJson(experiment));
    });

    app.get('/v1/online/experiments', {
      config: { scope: 'read' },
      schema: { summary: "The project's online experiments", response: { 200: Type.Object({ experiments: Type.Array(ExperimentJson) }), ...AuthErrors } },
    }, async (req) => ({ experiments: (await getOnlineExperiments(deps.clickhouse, projectOf(req))).map(experimentJson) }));

    app.get('/v1/online/experiments/:id', {
      config: { scope: 'read' },
      schema: { summary: 'One online experiment as last declared', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) }), response: { 200: ExperimentJson, 404: ErrorBody, ...AuthErrors } },
    }, async (req) => experimentJson(await getExperiment(deps.clickhouse, projectOf(req), req.params.id)));

    app.post('/v1/online/analysis', {
      config: { scope: 'read' },
      schema: {
        summary: 'The experiment so far: per metric and challenger, the fixed-horizon test and the always-valid interval (with its path over time), CUPED, guardrails, the sample-ratio check, and a sentence',
        body: AnalysisBody,
        response: { 200: AnalysisJson, 400: ErrorBody, 404: ErrorBody, ...AuthErrors },
      },
    }, async (req) => analyse(deps.clickhouse, projectOf(req), req.body));
  };
}
