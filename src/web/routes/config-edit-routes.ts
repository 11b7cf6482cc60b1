// Editing points.yml and rules.yml from the UI (admin): read, check, save (validated by the
// loader, written atomically, versioned, then applied by the live reloader when one is wired),
// the version history with a diff against the file, roll back, and a test read of an unsaved
// point or task. Every save, rollback and test read is in the audit log, refused ones too.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ConfigIssue } from '../../domain/config-reload.js';
import { formatConfigIssues, type Candidate, type EditableFile, type SaveOutcome } from '../../services/index.js';
import { principalOf } from '../auth/request-guard.js';
import { actorName } from '../auth/roles.js';
import { ERROR_CATALOGUE, WebError } from '../errors.js';
import type { WebContext } from '../web-context.js';
import {
  CONFIG_FILE_PARAMS,
  CONFIG_FILE_VIEW,
  CONFIG_INVALID_RESPONSE,
  CONFIG_ISSUE,
  CONFIG_VERSION,
  ROLLBACK_BODY,
  SAVE_BODY,
  SAVE_RESULT,
  TEST_BODY,
  TEST_READ_RESULT,
  VERSION_DETAIL,
  VERSION_PARAMS,
} from './config-edit-schemas.js';
import { list, object } from './response-schemas.js';
import { querySchema } from './schemas.js';

const admin = { role: 'admin' } as const;
type CandidateBody = { text?: string; edits?: Static<typeof SAVE_BODY>['edits'] };

function candidateOf(body: CandidateBody, required: boolean): Candidate | null {
  if (body.text !== undefined && body.edits !== undefined)
    throw new WebError('BAD_REQUEST', 'send text or edits, not both');
  if (body.text !== undefined) return { text: body.text };
  if (body.edits !== undefined)
    return {
      edits: body.edits.map((e) => {
        if (e.remove === true) return { path: e.path, remove: true as const };
        if (!('value' in e)) throw new WebError('BAD_REQUEST', 'each edit has a value or remove: true');
        return { path: e.path, value: e.value };
      }),
    };
  if (required) throw new WebError('BAD_REQUEST', 'send text (the whole file) or edits');
  return null;
}

function invalid(reply: FastifyReply, issues: readonly ConfigIssue[]) {
  const lines = formatConfigIssues(issues).split('\n');
  return reply.code(422).send({
    error: { code: 'CONFIG_INVALID', message: ERROR_CATALOGUE.CONFIG_INVALID.message, details: lines },
    issues,
  });
}

export function configEditRoutes(ctx: WebContext) {
  const editor = ctx.services.configEditor;
  const actor = (request: FastifyRequest) => actorName(principalOf(request));
  const audit = (request: FastifyRequest, action: string, result: string, details: string, device?: string) =>
    ctx.audit.record({ actor: actor(request), ip: request.ip, action, result, details, device: device ?? null });

  /** The answer to a save or rollback, audited with what happened. */
  async function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    action: string,
    what: string,
    outcome: SaveOutcome,
  ) {
    if (outcome.kind === 'invalid') {
      await audit(request, action, 'invalid', `${what}: ${formatConfigIssues(outcome.issues).slice(0, 900)}`);
      return invalid(reply, outcome.issues);
    }
    if (outcome.kind === 'unchanged') {
      await audit(request, action, 'unchanged', what);
      return { result: 'unchanged', version: null, sha256: outcome.sha256, applies: 'live', reload: null };
    }
    const { version, reload } = outcome;
    const applies = reload.ok ? 'live' : 'rejected';
    await audit(
      request,
      action,
      'ok',
      `${version.file} version ${version.id}${version.comment ? `: ${version.comment}` : ''} (applies ${applies})`,
    );
    return { result: 'saved', version, sha256: version.sha256, applies, reload };
  }

  return async (app: FastifyInstance) => {
    app.get<{ Params: { file: EditableFile } }>(
      '/api/config/files/:file',
      { config: admin, schema: { params: CONFIG_FILE_PARAMS, response: { 200: CONFIG_FILE_VIEW } } },
      async (request) => editor.read(request.params.file),
    );

    app.post<{ Params: { file: EditableFile }; Body: CandidateBody }>(
      '/api/config/files/:file/check',
      {
        config: admin,
        schema: {
          params: CONFIG_FILE_PARAMS,
          body: Type.Object(
            { text: SAVE_BODY.properties.text, edits: SAVE_BODY.properties.edits },
            { additionalProperties: false },
          ),
          response: { 200: object({ issues: Type.Array(CONFIG_ISSUE) }) },
        },
      },
      async (request) => {
        const checked = editor.check(request.params.file, candidateOf(request.body, true)!);
        return { issues: 'issues' in checked ? checked.issues : [] };
      },
    );

    app.put<{ Params: { file: EditableFile }; Body: Static<typeof SAVE_BODY> }>(
      '/api/config/files/:file',
      {
        config: admin,
        schema: {
          params: CONFIG_FILE_PARAMS,
          body: SAVE_BODY,
          response: { 200: SAVE_RESULT, 422: CONFIG_INVALID_RESPONSE },
        },
      },
      async (request, reply) => {
        const { file } = request.params;
        const { comment, baseSha256 } = request.body;
        const candidate = candidateOf(request.body, true)!;
        let outcome: SaveOutcome;
        try {
          outcome = await editor.save(
            { file, candidate, comment: comment || null, ...(baseSha256 ? { baseSha256 } : {}) },
            actor(request),
            ctx.accounts.configVersions,
          );
        } catch (err) {
          await audit(request, 'config.save', 'error', `${file}: ${(err as Error).message}`);
          throw err;
        }
        return answer(request, reply, 'config.save', file, outcome);
      },
    );

    app.get<{ Querystring: { file?: EditableFile; limit?: number } }>(
      '/api/config/versions',
      {
        config: admin,
        schema: {
          querystring: querySchema({
            file: CONFIG_FILE_PARAMS.properties.file,
            limit: { type: 'integer', minimum: 1, maximum: 1000 },
          }),
          response: { 200: list(CONFIG_VERSION) },
        },
      },
      async (request) => ({ items: await ctx.accounts.configVersions.list(request.query) }),
    );

    app.get<{ Params: { id: number } }>(
      '/api/config/versions/:id',
      { config: admin, schema: { params: VERSION_PARAMS, response: { 200: VERSION_DETAIL } } },
      async (request) => {
        const versions = ctx.accounts.configVersions;
        const { content } = await editor.version(request.params.id, versions);
        const { version, current, lines } = await editor.diff(request.params.id, versions);
        return { version, content, current, diff: lines };
      },
    );

    app.post<{ Params: { id: number }; Body: Static<typeof ROLLBACK_BODY> }>(
      '/api/config/versions/:id/rollback',
      {
        config: admin,
        schema: {
          params: VERSION_PARAMS,
          body: ROLLBACK_BODY,
          response: { 200: SAVE_RESULT, 422: CONFIG_INVALID_RESPONSE },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const comment = request.body.comment || null;
        const outcome = await editor.rollback(id, actor(request), comment, ctx.accounts.configVersions);
        return answer(request, reply, 'config.rollback', `to version ${id}`, outcome);
      },
    );

    app.post<{ Body: Static<typeof TEST_BODY> }>(
      '/api/config/test',
      { config: admin, schema: { body: TEST_BODY, response: { 200: TEST_READ_RESULT, 422: CONFIG_INVALID_RESPONSE } } },
      async (request, reply) => {
        const { device, profile, task, point } = request.body;
        if ((task === undefined) === (point === undefined)) throw new WebError('BAD_REQUEST', 'name a task or a point');
        const candidate = candidateOf(request.body, false) ?? { edits: [] };
        const target = { device, profile, ...(task !== undefined ? { task } : { point: point! }) };
        const what = `${profile} ${task !== undefined ? `task ${task}` : `point ${point}`}`;
        const outcome = await editor.test(candidate, target);
        if (outcome.kind === 'invalid') {
          await audit(request, 'config.test', 'invalid', what, device);
          return invalid(reply, outcome.issues);
        }
        if (outcome.kind === 'not-online') {
          await audit(request, 'config.test', 'not-online', what, device);
          throw new WebError('DEVICE_NOT_ONLINE', `device ${device} is not online`);
        }
        await audit(
          request,
          'config.test',
          outcome.blocks.every((b) => b.result === 'ok') ? 'ok' : 'failed',
          what,
          device,
        );
        return { at: outcome.at, blocks: outcome.blocks };
      },
    );
  };
}
