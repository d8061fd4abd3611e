/** Errors of the bus topology, provisioning and launch, with their user messages in Russian and English. */
export enum BusErrorCode {
  FileUnreadable = 'FILE_UNREADABLE',
  NotJson = 'NOT_JSON',
  Missing = 'MISSING',
  WrongType = 'WRONG_TYPE',
  BadValue = 'BAD_VALUE',
  Duplicate = 'DUPLICATE',
  UnknownReference = 'UNKNOWN_REFERENCE',
  UnknownField = 'UNKNOWN_FIELD',
  NotProvisioned = 'NOT_PROVISIONED',
  UnknownIdentity = 'UNKNOWN_IDENTITY',
  ToolFailed = 'TOOL_FAILED',
  ServerFailed = 'SERVER_FAILED',
  ReplicasBeyondServers = 'REPLICAS_BEYOND_SERVERS',
}

export type Lang = 'en' | 'ru';

const MESSAGES: Record<BusErrorCode, Record<Lang, (f: string, d: string) => string>> = {
  [BusErrorCode.FileUnreadable]: { en: (f, d) => `cannot read ${f}: ${d}`, ru: (f, d) => `не удалось прочитать ${f}: ${d}` },
  [BusErrorCode.NotJson]: { en: (f, d) => `${f} is not valid JSON: ${d}`, ru: (f, d) => `${f} не является корректным JSON: ${d}` },
  [BusErrorCode.Missing]: { en: (f) => `${f}: required field is missing`, ru: (f) => `${f}: обязательное поле отсутствует` },
  [BusErrorCode.WrongType]: { en: (f, d) => `${f}: must be ${d}`, ru: (f, d) => `${f}: ожидается ${d}` },
  [BusErrorCode.BadValue]: { en: (f, d) => `${f}: ${d}`, ru: (f, d) => `${f}: недопустимое значение (${d})` },
  [BusErrorCode.Duplicate]: { en: (f, d) => `${f}: ${d} is used twice`, ru: (f, d) => `${f}: ${d} встречается дважды` },
  [BusErrorCode.UnknownReference]: { en: (f, d) => `${f}: ${d} is not defined in the topology`, ru: (f, d) => `${f}: ${d} не определено в топологии` },
  [BusErrorCode.UnknownField]: { en: (f) => `${f}: unknown field`, ru: (f) => `${f}: неизвестное поле` },
  [BusErrorCode.NotProvisioned]: { en: (f, d) => `${f}: not provisioned (${d}); run "shekara bus provision"`, ru: (f, d) => `${f}: не подготовлено (${d}); выполните "shekara bus provision"` },
  [BusErrorCode.UnknownIdentity]: { en: (f) => `no identity named ${f} in the provisioned topology`, ru: (f) => `в подготовленной топологии нет идентичности ${f}` },
  [BusErrorCode.ToolFailed]: { en: (f, d) => `${f} failed: ${d}`, ru: (f, d) => `ошибка ${f}: ${d}` },
  [BusErrorCode.ServerFailed]: { en: (f, d) => `nats-server ${f}: ${d}`, ru: (f, d) => `nats-server ${f}: ${d}` },
  [BusErrorCode.ReplicasBeyondServers]: {
    en: (f, d) => `STREAM_REPLICAS: ${d.split('|')[0]} replicas asked, but only ${d.split('|')[1]} server(s) hold the JetStream domain of ${f}`,
    ru: (f, d) => `STREAM_REPLICAS: запрошено реплик ${d.split('|')[0]}, но домен JetStream идентичности ${f} держат только серверов: ${d.split('|')[1]}`,
  },
};

export class BusError extends Error {
  constructor(
    readonly code: BusErrorCode,
    /** The field path (topology.accounts[2].name), file or identity concerned. */
    readonly field: string,
    readonly detail = '',
  ) {
    super(MESSAGES[code].en(field, detail));
    this.name = 'BusError';
  }

  render(lang: Lang): string {
    return MESSAGES[this.code][lang](this.field, this.detail);
  }
}
