import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../auth/actor.js';
import { createLogger } from '../http/logger.js';
import { createManualClock } from '../lib/clock.js';
import { randomIds } from '../lib/ids.js';
import { authHeader, bootstrap, createMachineIdentity, createProject, type Bootstrapped, type CreatedProject } from '../test-support/fixtures.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';
import { maxReadsPerEvent } from './audit-batch.js';
import { createAuditLog } from './audit.service.js';

describe('audit log', () => {
  let t: TestApp;
  let admin: Bootstrapped;
  let project: CreatedProject;
  const clock = createManualClock(new Date('2030-03-01T10:00:00Z'));
  beforeAll(async () => {
    t = await startTestApp({ clock });
    admin = await bootstrap(t);
    project = await createProject(t, admin.userToken, { name: 'Audited' });
    clock.advance(60_000);
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/workspace/${project.id}/environments`,
      headers: { ...authHeader(admin.adminIdentityToken), 'user-agent': 'audit-test/1.0' },
      payload: { name: 'QA', slug: 'qa' },
      remoteAddress: '203.0.113.9',
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (url: string, token = admin.userToken) => t.app.inject({ method: 'GET', url, headers: authHeader(token) });

  it('records every mutation with actor, event, resource, origin and time', async () => {
    const response = await get(`/api/v1/workspace/${project.id}/audit-logs`);
    expect(response.statusCode).toBe(200);
    const [latest, created] = response.json().auditLogs;
    expect(latest).toMatchObject({
      projectId: project.id,
      orgId: admin.orgId,
      actor: { type: 'identity', metadata: { identityId: admin.adminIdentityId, name: 'Instance Admin Identity' } },
      event: { type: 'create-environment', metadata: { name: 'QA', slug: 'qa' } },
      resourceType: 'environment',
      ipAddress: '203.0.113.9',
      userAgent: 'audit-test/1.0',
      createdAt: '2030-03-01T10:01:00.000Z',
    });
    expect(created).toMatchObject({ event: { type: 'create-project' }, actor: { type: 'user', metadata: { email: admin.adminEmail } } });
  });

  it('filters by event type, actor and time range, and paginates (newest first)', async () => {
    const base = `/api/v1/workspace/${project.id}/audit-logs`;
    const byType = await get(`${base}?eventType=create-project`);
    expect(byType.json().auditLogs.map((e: { event: { type: string } }) => e.event.type)).toEqual(['create-project']);
    const several = await get(`${base}?eventType=create-project,create-environment`);
    expect(several.json().auditLogs).toHaveLength(2);
    const byActor = await get(`${base}?actorType=identity&actorId=${admin.adminIdentityId}`);
    expect(byActor.json().auditLogs.map((e: { event: { type: string } }) => e.event.type)).toEqual(['create-environment']);
    const before = await get(`${base}?endDate=2030-03-01T10:00:30Z`);
    expect(before.json().auditLogs.map((e: { event: { type: string } }) => e.event.type)).toEqual(['create-project']);
    const after = await get(`${base}?startDate=${encodeURIComponent('2030-03-01T11:00:30+01:00')}`);
    expect(after.json().auditLogs.map((e: { event: { type: string } }) => e.event.type)).toEqual(['create-environment']);
    const page = await get(`${base}?limit=1&offset=1`);
    expect(page.json().auditLogs.map((e: { event: { type: string } }) => e.event.type)).toEqual(['create-project']);

    expect((await get(`${base}?limit=101`)).statusCode).toBe(400);
    expect((await get(`${base}?offset=-1`)).statusCode).toBe(400);
    expect((await get(`${base}?startDate=yesterday`)).statusCode).toBe(400);
    expect((await get(`${base}?actorType=robot`)).statusCode).toBe(400);
    const reversed = await get(`${base}?startDate=2030-03-02T00:00:00Z&endDate=2030-03-01T00:00:00Z`);
    expect(reversed.statusCode).toBe(400);
  });

  it('the organization log includes organization-level events; only org admins read it', async () => {
    const org = await get('/api/v1/organization/audit-logs?limit=100');
    const types = org.json().auditLogs.map((e: { event: { type: string } }) => e.event.type);
    expect(types).toEqual(expect.arrayContaining(['bootstrap-instance', 'login', 'create-project', 'create-environment']));
    const member = await createMachineIdentity(t, admin.userToken, { orgRole: 'member', projectId: project.id, projectRole: 'viewer' });
    expect((await get('/api/v1/organization/audit-logs', member.accessToken)).statusCode).toBe(403);
    expect((await get(`/api/v1/workspace/${project.id}/audit-logs`, member.accessToken)).statusCode).toBe(403);
  });

  it('is append-only: the database refuses updates and deletes', async () => {
    await expect(sql`update audit_logs set event_type = 'tampered'`.execute(t.db)).rejects.toThrow('audit_logs is append-only');
    await expect(sql`delete from audit_logs`.execute(t.db)).rejects.toThrow('audit_logs is append-only');
  });

  it('never records passwords or secrets in metadata', async () => {
    const rows = await t.db.selectFrom('audit_logs').select(['metadata', 'actor_metadata']).execute();
    const text = JSON.stringify(rows);
    expect(text).not.toContain(admin.adminPassword);
    expect(text).not.toMatch(/password"|clientSecret"|token"/i);
  });
});

describe('queued audit events', () => {
  let t: TestApp;
  let admin: Bootstrapped;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await bootstrap(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('batches enqueued events, writes them on flush, at 500 events and on close', async () => {
    const audit = createAuditLog({ db: t.db, clock: { now: () => new Date() }, ids: randomIds, logger: createLogger({ level: 'silent' }) });
    const actor: Actor = { type: 'system', orgId: admin.orgId, reason: 'test' };
    const count = async () =>
      (await t.db.selectFrom('audit_logs').select((eb) => eb.fn.countAll<number>().as('n')).where('event_type', 'like', 'queued-%').executeTakeFirstOrThrow()).n;
    audit.enqueue({ actor, orgId: admin.orgId, eventType: 'queued-read', metadata: { n: 1 } });
    audit.enqueue({ actor, orgId: admin.orgId, eventType: 'queued-read', metadata: { n: 2 } });
    expect(await count()).toBe(0);
    await audit.flush();
    expect(await count()).toBe(2);
    for (let i = 0; i < 100; i += 1) audit.enqueue({ actor, orgId: admin.orgId, eventType: 'queued-batch', metadata: { i } });
    await audit.flush();
    expect(await count()).toBe(102);
    // The 500th event starts a write by itself, without a flush or the timer.
    for (let i = 0; i < 500; i += 1) audit.enqueue({ actor, orgId: admin.orgId, eventType: 'queued-full', metadata: { i } });
    const deadline = Date.now() + 900;
    while ((await count()) < 602 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await count()).toBe(602);
    audit.enqueue({ actor, orgId: admin.orgId, eventType: 'queued-close' });
    await audit.close();
    expect(await count()).toBe(603);
    const row = await t.db.selectFrom('audit_logs').selectAll().where('event_type', '=', 'queued-close').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ actor_type: 'system', actor_id: 'test', actor_metadata: { reason: 'test' }, metadata: {} });
  });

  it('records identical reads from one origin as one event listing every read, and keeps different origins apart', async () => {
    const clock = createManualClock(new Date('2032-05-01T12:00:00Z'));
    const audit = createAuditLog({ db: t.db, clock, ids: randomIds, logger: createLogger({ level: 'silent' }) });
    const actor: Actor = { type: 'system', orgId: admin.orgId, reason: 'poller' };
    const event = { actor, orgId: admin.orgId, eventType: 'coalesced-read', metadata: { secretPath: '/app' } };
    const here = { ip: '198.51.100.1', userAgent: 'poller/1' };
    const template = audit.template(event);
    for (let i = 0; i < 3; i += 1) {
      audit.enqueueFromTemplate(template, here);
      clock.advance(250);
    }
    audit.enqueueFromTemplate(template, { ip: '198.51.100.2', userAgent: 'poller/1' });
    audit.enqueue({ ...event, origin: here });
    // More reads than one event takes: the rest start a new event.
    for (let i = 0; i < maxReadsPerEvent + 1; i += 1) audit.enqueueFromTemplate(audit.template({ ...event, eventType: 'many-read' }), here);
    await audit.flush();
    const rows = await t.db.selectFrom('audit_logs').selectAll().where('event_type', '=', 'coalesced-read').orderBy('ip_address').execute();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ ip_address: '198.51.100.1', user_agent: 'poller/1', metadata: { secretPath: '/app', reads: 4, readOffsetsMs: [0, 250, 500, 750] } });
    expect(new Date(rows[0]?.created_at ?? 0).toISOString()).toBe('2032-05-01T12:00:00.000Z');
    expect(rows[1]).toMatchObject({ ip_address: '198.51.100.2', metadata: { secretPath: '/app' } });
    expect(rows[1]?.metadata).not.toHaveProperty('reads');
    const many = await t.db.selectFrom('audit_logs').select('metadata').where('event_type', '=', 'many-read').execute();
    expect(many.map((row) => (row.metadata as { reads?: number }).reads ?? 1).sort((a, b) => a - b)).toEqual([1, maxReadsPerEvent]);
  });

  it('keeps each queued event exactly: its own time, nulls, and metadata with quotes, commas, braces and unicode', async () => {
    const eventClock = createManualClock(new Date('2031-01-01T00:00:00Z'));
    const audit = createAuditLog({ db: t.db, clock: eventClock, ids: randomIds, logger: createLogger({ level: 'silent' }) });
    const org = await t.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
    const actor: Actor = { type: 'system', orgId: org.id, reason: 'say "hi", {x}' };
    const projectId = randomIds.uuid();
    const tricky = { path: '/a,b/{c}', quote: 'he said "no"\\', emoji: 'schlüssel 🔑', nothing: null, list: [1, 'two'] };
    audit.enqueue({ actor, orgId: org.id, projectId, eventType: 'exact-read', metadata: tricky, origin: { ip: '198.51.100.7', userAgent: 'ua "quoted"' } });
    eventClock.advance(5_000);
    audit.enqueue({ actor, orgId: org.id, eventType: 'exact-read', resourceType: 'secret', resourceId: 'NULL' });
    await audit.flush();
    const rows = await t.db.selectFrom('audit_logs').selectAll().where('event_type', '=', 'exact-read').orderBy('created_at').execute();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ project_id: projectId, metadata: tricky, ip_address: '198.51.100.7', user_agent: 'ua "quoted"', resource_type: null });
    expect(rows[0]?.actor_metadata).toEqual({ reason: 'say "hi", {x}' });
    expect(rows[1]).toMatchObject({ project_id: null, metadata: {}, ip_address: null, resource_type: 'secret', resource_id: 'NULL' });
    expect(rows.map((row) => new Date(row.created_at).toISOString())).toEqual(['2031-01-01T00:00:00.000Z', '2031-01-01T00:00:05.000Z']);
  });

  it('writes a batch whose metadata holds characters jsonb refuses (NUL, unpaired surrogates), without losing its other events', async () => {
    const audit = createAuditLog({ db: t.db, clock: { now: () => new Date() }, ids: randomIds, logger: createLogger({ level: 'silent' }) });
    const org = await t.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
    const actor: Actor = { type: 'system', orgId: org.id, reason: 'odd' };
    audit.enqueue({ actor, orgId: org.id, eventType: 'odd-read', metadata: { secretPath: 'a\u0000b', half: 'x\ud800y', literal: 'back\\u0000slash' } });
    audit.enqueue({ actor, orgId: org.id, eventType: 'odd-read', metadata: { secretPath: '/fine' } });
    await audit.flush();
    const rows = await t.db.selectFrom('audit_logs').select('metadata').where('event_type', '=', 'odd-read').execute();
    expect(rows.map((row) => row.metadata)).toEqual(
      expect.arrayContaining([{ secretPath: 'a\ufffdb', half: 'x\ufffdy', literal: 'back\\u0000slash' }, { secretPath: '/fine' }]),
    );
    expect(rows).toHaveLength(2);
  });

  it('audits every secret listing read, the first from the database and the next from the cache, with its own origin and time', async () => {
    const project = await createProject(t, admin.userToken, { name: 'Read audit' });
    const reader = await createMachineIdentity(t, admin.userToken, { projectId: project.id, projectRole: 'viewer' });
    const read = (ip: string, agent: string) =>
      t.app.inject({
        method: 'GET',
        url: `/api/v3/secrets/raw?workspaceId=${project.id}&environment=dev&secretPath=/`,
        headers: { ...authHeader(reader.accessToken), 'user-agent': agent },
        remoteAddress: ip,
      });
    const first = await read('127.0.0.1', 'first/1.0');
    expect(first.statusCode).toBe(200);
    expect((await read('127.0.0.1', 'second "quoted"/2.0')).statusCode).toBe(200);
    const load = () => t.db.selectFrom('audit_logs').selectAll().where('event_type', '=', 'get-secrets').where('project_id', '=', project.id).orderBy('created_at').execute();
    const deadline = Date.now() + 3_000;
    while ((await load()).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const rows = await load();
    expect(rows).toHaveLength(2);
    const expected = {
      org_id: admin.orgId,
      actor_type: 'identity',
      actor_id: reader.identityId,
      actor_metadata: { identityId: reader.identityId, name: reader.name },
      metadata: { environment: 'dev', secretPath: '/', recursive: false, numberOfSecrets: 0 },
      ip_address: '127.0.0.1',
      resource_type: null,
    };
    expect(rows[0]).toMatchObject({ ...expected, user_agent: 'first/1.0' });
    expect(rows[1]).toMatchObject({ ...expected, user_agent: 'second "quoted"/2.0' });
    expect(rows[0]?.id).not.toBe(rows[1]?.id);
  });

  it('writes queued events within about a second without an explicit flush', async () => {
    const audit = createAuditLog({ db: t.db, clock: { now: () => new Date() }, ids: randomIds, logger: createLogger({ level: 'silent' }) });
    const org = await t.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow();
    audit.enqueue({ actor: { type: 'system', orgId: org.id, reason: 'timer' }, orgId: org.id, eventType: 'timed-read' });
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const rows = await t.db.selectFrom('audit_logs').select('id').where('event_type', '=', 'timed-read').execute();
    expect(rows).toHaveLength(1);
  });
});
