export * from './integration.module';
export { signWebhook, verifyWebhook, retryDelayMs, SIGNATURE_HEADER } from './webhook-signature';
