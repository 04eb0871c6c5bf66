import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

describe('notification and metrics configuration', () => {
  it('has safe defaults: private targets refused, metrics not public, daily expiry guard', () => {
    const config = loadConfig({});
    expect(config.notifications).toMatchObject({ webhookAllowPrivateTargets: false, expiryMarginDays: 7, expiryCheckIntervalMs: 86_400_000, upcomingLeadMinutes: 1440 });
    expect(config.metrics).toEqual({ port: undefined, host: '127.0.0.1', isPublic: false });
  });

  it('reads the variables and names a bad one', () => {
    const config = loadConfig({ REKEY_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', REKEY_METRICS_PORT: '9464', REKEY_METRICS_HOST: '0.0.0.0', REKEY_ROTATION_UPCOMING_LEAD_MINUTES: '0' });
    expect(config.notifications.webhookAllowPrivateTargets).toBe(true);
    expect(config.notifications.upcomingLeadMinutes).toBe(0);
    expect(config.metrics).toEqual({ port: 9464, host: '0.0.0.0', isPublic: false });
    expect(() => loadConfig({ REKEY_METRICS_PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadConfig({ REKEY_METRICS_PUBLIC: 'maybe' })).toThrow(/REKEY_METRICS_PUBLIC/);
    expect(() => loadConfig({ REKEY_EXPIRY_MARGIN_DAYS: '0' })).toThrow(/REKEY_EXPIRY_MARGIN_DAYS/);
  });
});
