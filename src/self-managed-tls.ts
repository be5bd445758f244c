import type { Logger } from 'pino';
import type { ClusterApi } from './cluster/api.js';
import { SecretCertificateStore } from './cluster/secret-certificate-store.js';
import { WebhookCaBundleSync } from './cluster/webhook-ca.js';
import { rotateCertificates } from './tls/rotate-certificates.js';

/** How often the injector checks whether its certificates need rotating. */
export const ROTATION_CHECK_MS = 60 * 60_000;

/** Settings of self-managed TLS. */
export interface SelfManagedTlsOptions {
  readonly api: ClusterApi;
  readonly namespace: string;
  readonly serviceName: string;
  readonly secretName: string;
  readonly webhookConfigName: string;
  /** Files the serving pair is written to, for the file TLS source to load and reload. */
  readonly certFile: string;
  readonly keyFile: string;
  readonly logger: Logger;
}

/** A running rotation loop. */
export interface SelfManagedTls {
  stop(): Promise<void>;
}

/**
 * Creates or loads the CA and serving certificate from a Secret, writes the
 * serving pair to files, and keeps the webhook configuration's caBundle in
 * step. Then it checks hourly whether to rotate. A new CA only starts signing
 * after its bundle was confirmed in the webhook configuration, so the API
 * server never meets a certificate it does not trust. Resolves after the
 * first run, which must succeed before the server can serve.
 */
export async function startSelfManagedTls(options: SelfManagedTlsOptions): Promise<SelfManagedTls> {
  const store = new SecretCertificateStore(options.api, options.namespace, options.secretName);
  const caSync = new WebhookCaBundleSync(options.api, { webhookConfigName: options.webhookConfigName, logger: options.logger });
  let published = '';

  const rotate = async () => {
    const result = await rotateCertificates({
      store,
      service: options.serviceName,
      namespace: options.namespace,
      certFile: options.certFile,
      keyFile: options.keyFile,
      logger: options.logger,
      publishedCaBundle: published,
    });
    caSync.set(result.caBundle);
    void caSync.whenSynced().then((synced) => {
      if (synced) {
        published = result.caBundle;
      }
    });
  };

  await rotate();
  const timer = setInterval(() => {
    rotate().catch((error: unknown) => options.logger.error({ err: error, secret: options.secretName }, 'certificate rotation failed; retrying at the next check'));
  }, ROTATION_CHECK_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await caSync.stop();
    },
  };
}
