import type { Translate } from '@shared/i18n';
import type { MessageView } from '@shared/types';

/**
 * The summary a list shows: an advance notice's stored summary is its subject's name in the contract
 * ("expulsion"), shown by its label in the user's language; any other summary is the report's text.
 */
export function summaryText(m: Pick<MessageView, 'kind' | 'summary'>, t: Translate, has: (key: string) => boolean): string {
  return m.kind === 'ADVANCE' && has(`subject.${m.summary}`) ? t(`subject.${m.summary}`) : m.summary;
}
